import { createHash, hash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret value, base64url; what the store keeps instead of the value. */
export function sha256(value: string): string {
  // One-shot hash: half the cost of a Hash object, and the gateway hashes every token.
  return hash('sha256', value, 'base64url');
}

/** Constant-time string comparison (lengths are compared on fixed-size digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/** Constant-time comparison of two already-hashed values. */
export function safeEqualHash(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  // Digest lengths are public; only equal-length values reach the constant-time compare.
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
