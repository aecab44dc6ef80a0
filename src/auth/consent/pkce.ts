import { safeEqual, sha256 } from '../../crypto/hash.ts';

/** RFC 7636 §4.1 code_verifier: 43–128 unreserved characters. */
export function isValidVerifier(verifier: string): boolean {
  return /^[A-Za-z0-9._~-]{43,128}$/.test(verifier);
}

/** S256 only: BASE64URL(SHA256(verifier)) compared in constant time (verifiers are ASCII). */
export function checkS256(verifier: string, challenge: string): boolean {
  return safeEqual(sha256(verifier), challenge);
}
