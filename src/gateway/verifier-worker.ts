// Runs in a worker thread: checks JWS signatures in batches for the gateway's token
// verifier (`gateway.signatures: thread`). Keys arrive as KeyObjects, each once.
import type { KeyObject } from 'node:crypto';
import { verifyInput } from '../crypto/jws.ts';
import { serveBatches } from '../platform/batch-worker.ts';

export type VerifierKey = { type: 'key'; id: number; key: KeyObject };
/** `sig`: the JWS's third part, base64url (decoded here, off the event loop). */
export type VerifyItem = { key: number; alg: string; input: string; sig: string };

const keys = new Map<number, KeyObject>();

serveBatches<VerifyItem, boolean>(
  ({ key, alg, input, sig }) => {
    const k = keys.get(key);
    return k !== undefined && verifyInput(alg, k, input, Buffer.from(sig, 'base64url'));
  },
  (msg) => {
    if (msg.type === 'key') keys.set((msg as VerifierKey).id, (msg as VerifierKey).key);
  },
);
