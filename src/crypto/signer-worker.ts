// Runs in a worker thread: holds private signing keys and signs batches synchronously,
// so the event loop of the main thread only pays for a message per batch.
import { parentPort } from 'node:worker_threads';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { importPrivateJwk, signInput } from './jws.ts';

export type SignerMessage =
  | { type: 'keys'; keys: Array<{ kid: string; alg: string; jwk: JsonWebKey }> }
  | { type: 'sign'; id: number; items: Array<{ kid: string; input: string }> };

export type SignerReply = { id: number; signatures: Array<string | null> };

const keys = new Map<string, { alg: string; key: KeyObject }>();

parentPort!.on('message', (msg: SignerMessage) => {
  if (msg.type === 'keys') {
    keys.clear();
    for (const k of msg.keys) keys.set(k.kid, { alg: k.alg, key: importPrivateJwk(k.jwk) });
    return;
  }
  const signatures = msg.items.map(({ kid, input }) => {
    const k = keys.get(kid);
    return k ? signInput(k.alg, k.key, input).toString('base64url') : null;
  });
  parentPort!.postMessage({ id: msg.id, signatures } satisfies SignerReply);
});
