import type { KeyObject } from 'node:crypto';
import { BatchPool } from '../platform/batch-pool.ts';
import type { VerifierKey, VerifyItem } from './verifier-worker.ts';

/**
 * Signature checks on a worker thread (verifier-worker.ts) for `gateway.signatures:
 * thread`: the event loop pays for a share of a message instead of a verification.
 * Keys go to the thread by kid, once, before the first batch that needs them (messages
 * to a worker keep their order). A JWKS refresh builds new KeyObjects for the same keys;
 * those are compared by value and not sent again, so nothing grows with refreshes.
 */
export class VerifierPool {
  readonly #pool: BatchPool<VerifyItem, boolean>;
  readonly #sent = new Map<string, KeyObject>();

  constructor(size = 1) {
    // 8 ES256 verifications ≈ 0.6 ms of a core here.
    this.#pool = new BatchPool(new URL('./verifier-worker.ts', import.meta.url), { size, maxBatch: 8, maxInflight: 4, name: 'verifier pool' });
  }

  /** `sig` is the JWS's base64url signature part. */
  verify(alg: string, kid: string, key: KeyObject, input: string, sig: string): Promise<boolean> {
    const sent = this.#sent.get(kid);
    if (sent !== key) {
      if (sent === undefined || !sent.equals(key)) this.#pool.broadcast<VerifierKey>({ type: 'key', kid, key }, `key ${kid}`);
      this.#sent.set(kid, key);
    }
    return this.#pool.run({ kid, alg, input, sig });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
