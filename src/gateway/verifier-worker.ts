// Runs in a worker thread: checks JWS signatures in batches for the gateway's token
// verifier (`gateway.signatures: thread`). Keys arrive as KeyObjects, by kid.
import type { KeyObject } from 'node:crypto';
import { verifyInput } from '../crypto/jws.ts';
import { serveBatches } from '../platform/batch-worker.ts';

export type VerifierKey = { type: 'key'; kid: string; key: KeyObject };
/** `sig`: the JWS's third part, base64url (decoded here, off the event loop). */
export type VerifyItem = { kid: string; alg: string; input: string; sig: string };

const keys = new Map<string, KeyObject>();

serveBatches<VerifyItem, boolean>(
  ({ kid, alg, input, sig }) => {
    const k = keys.get(kid);
    return k !== undefined && verifyInput(alg, k, input, Buffer.from(sig, 'base64url'));
  },
  (msg) => {
    if (msg.type === 'key') keys.set((msg as VerifierKey).kid, (msg as VerifierKey).key);
  },
);
