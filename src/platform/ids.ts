import { randomFillSync, randomUUID } from 'node:crypto';

// Random bytes come from a pooled buffer refilled 4 KiB at a time: one CSPRNG call per
// few hundred tokens instead of one per token (the same trick randomUUID uses).
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

function take(bytes: number): Buffer {
  if (bytes > POOL_SIZE) return randomFillSync(Buffer.allocUnsafe(bytes));
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + bytes));
  // Bytes handed out are wiped from the pool so they cannot be handed out twice.
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return out;
}

/** A URL-safe random string carrying `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return take(bytes).toString('base64url');
}

/** Prefixed identifiers make leaked values recognisable (secret scanners, logs). */
export function prefixedToken(prefix: string, bytes = 32): string {
  return `${prefix}_${randomToken(bytes)}`;
}

export function newId(): string {
  return randomUUID();
}
