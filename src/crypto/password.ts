import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Password hashes with node's scrypt. Format: "scrypt$N$r$p$salt$hash" (base64url),
// so parameters can be raised later without invalidating stored hashes.

export interface ScryptParams {
  /** CPU/memory cost N (a power of two). */
  cost: number;
  blockSize: number;
  parallelization: number;
  keyLength: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { cost: 16384, blockSize: 8, parallelization: 1, keyLength: 32 };

function derive(password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: p.cost, r: p.blockSize, p: p.parallelization, maxmem: 256 * p.cost * p.blockSize + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, p.keyLength, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.cost, params.blockSize, params.parallelization, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [cost, blockSize, parallelization] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (![cost, blockSize, parallelization].every((n) => Number.isInteger(n) && n > 0) || key.length < 16) return undefined;
  return { params: { cost, blockSize, parallelization, keyLength: key.length }, salt, key };
}

/** Constant-time check of a password against a stored hash; false on any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** True when a stored hash uses weaker parameters than `params` (rehash at next sign-in). */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.cost < params.cost || parsed.params.blockSize < params.blockSize || parsed.params.keyLength < params.keyLength;
}
