// Runs in a worker thread: holds private signing keys and signs batches synchronously,
// so the event loop of the main thread only pays for a message per batch.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { serveBatches } from '../platform/batch-worker.ts';
import { importPrivateJwk, signInput } from './jws.ts';

export type SignerKeys = { type: 'keys'; keys: Array<{ kid: string; alg: string; jwk: JsonWebKey }> };
export type SignItem = { kid: string; input: string };

const keys = new Map<string, { alg: string; key: KeyObject }>();

serveBatches<SignItem, string | null>(
  ({ kid, input }) => {
    const k = keys.get(kid);
    return k ? signInput(k.alg, k.key, input).toString('base64url') : null;
  },
  (msg) => {
    if (msg.type !== 'keys') return;
    keys.clear();
    for (const k of (msg as SignerKeys).keys) keys.set(k.kid, { alg: k.alg, key: importPrivateJwk(k.jwk) });
  },
);
