import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject, type JsonWebKey } from 'node:crypto';
import type { SigningAlgorithm } from '../config/schema.ts';

// Compact JWS signing with node:crypto KeyObjects: synchronous and about 5× faster
// than WebCrypto for one signature at a time (see ../shared/design/measurements.md).
// Request paths sign on the signer thread (signer-pool.ts) with these same functions.

export function generateKeyPair(alg: SigningAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'ES256': return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA': return generateKeyPairSync('ed25519');
    case 'RS256':
    case 'PS256': return generateKeyPairSync('rsa', { modulusLength: 2048 });
  }
}

export function signInput(alg: string, key: KeyObject, input: string): Buffer {
  const data = Buffer.from(input, 'ascii');
  switch (alg) {
    case 'ES256': return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA': return sign(null, data, key);
    case 'RS256': return sign('sha256', data, key);
    case 'PS256': return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    default: throw new Error(`unsupported alg ${alg}`);
  }
}

export function signingInput(alg: string, kid: string, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const h = Buffer.from(JSON.stringify({ alg, kid, ...header })).toString('base64url');
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

/** Header and payload are serialised here; callers pass plain objects. */
export function signCompact(alg: string, kid: string, key: KeyObject, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = signingInput(alg, kid, header, payload);
  return `${input}.${signInput(alg, key, input).toString('base64url')}`;
}

export function exportJwk(key: KeyObject): JsonWebKey {
  return key.export({ format: 'jwk' });
}

export function importPrivateJwk(jwk: JsonWebKey): KeyObject {
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

export function publicFromPrivate(key: KeyObject): KeyObject {
  return createPublicKey(key);
}

export function verifyInput(alg: string, key: KeyObject, input: string, signature: Buffer): boolean {
  const data = Buffer.from(input, 'ascii');
  switch (alg) {
    // An IEEE P1363 P-256 signature is exactly r ‖ s, 64 bytes.
    case 'ES256': return signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'EdDSA': return verify(null, data, key, signature);
    case 'RS256': return verify('sha256', data, key, signature);
    case 'PS256': return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    default: return false;
  }
}

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS without verifying it; undefined when malformed. */
export function decodeCompact(token: string): DecodedJws | undefined {
  if (token.length > 16_384) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown>, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return undefined;
  }
}
