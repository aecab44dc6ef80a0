import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// RFC 6238 TOTP over RFC 4226 HOTP with node:crypto. Pure: time comes in as an argument.
// Google Authenticator's profile: HMAC-SHA1, 30-second steps, 6 digits.

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpParams {
  algorithm: TotpAlgorithm;
  digits: number;
  /** Seconds per step. */
  step: number;
}

export const GOOGLE_TOTP: TotpParams = { algorithm: 'sha1', digits: 6, step: 30 };

/** RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, modulo 10^digits. */
export function hotp(secret: Buffer, counter: number, digits = 6, algorithm: TotpAlgorithm = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The time step a moment falls in. */
export function timeStep(epochSeconds: number, step = GOOGLE_TOTP.step): number {
  return Math.floor(epochSeconds / step);
}

export function totp(secret: Buffer, epochSeconds: number, p: TotpParams = GOOGLE_TOTP): string {
  return hotp(secret, timeStep(epochSeconds, p.step), p.digits, p.algorithm);
}

/**
 * The step a code matches within ±`window` steps of now, newest first, or undefined.
 * Every candidate is compared (constant time) so timing does not reveal which step matched.
 * Steps at or before `lastUsedStep` are refused: a code works once.
 */
export function verifyTotp(secret: Buffer, code: string, epochSeconds: number, opts: { window?: number; lastUsedStep?: number | null; params?: TotpParams } = {}): number | undefined {
  const p = opts.params ?? GOOGLE_TOTP;
  if (!new RegExp(`^\\d{${p.digits}}$`).test(code)) return undefined;
  const now = timeStep(epochSeconds, p.step);
  const window = opts.window ?? 1;
  const given = Buffer.from(code, 'utf8');
  let matched: number | undefined;
  for (let s = now + window; s >= now - window; s--) {
    if (s < 0) continue;
    const ok = timingSafeEqual(Buffer.from(hotp(secret, s, p.digits, p.algorithm), 'utf8'), given);
    if (ok && matched === undefined && (opts.lastUsedStep === null || opts.lastUsedStep === undefined || s > opts.lastUsedStep)) matched = s;
  }
  return matched;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as otpauth URIs carry secrets. */
export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/=+$/, '').replace(/\s+/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new Error('base32: invalid character');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

/** A fresh 160-bit secret (RFC 4226 §4 recommends 160 bits for SHA-1). */
export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

/** The Key Uri Format authenticator apps scan: otpauth://totp/Issuer:account?secret=…&issuer=… */
export function otpauthUri(opts: { issuer: string; account: string; secret: Buffer; params?: TotpParams }): string {
  const p = opts.params ?? GOOGLE_TOTP;
  const label = `${encodeURIComponent(opts.issuer)}:${encodeURIComponent(opts.account)}`;
  const q = new URLSearchParams({ secret: base32Encode(opts.secret), issuer: opts.issuer, algorithm: p.algorithm.toUpperCase(), digits: String(p.digits), period: String(p.step) });
  return `otpauth://totp/${label}?${q.toString()}`;
}
