import type { KeyObject } from 'node:crypto';
import { BatchPool } from '../platform/batch-pool.ts';
import type { VerifierKey, VerifyItem } from './verifier-worker.ts';

/**
 * Signature checks on worker threads (verifier-worker.ts) for `gateway.signatures:
 * thread`: with a fresh token on most requests, the event loop pays for a share of a
 * message instead of an ES256 verification. Each key goes to the workers once, before
 * the first batch that needs it (messages to a worker keep their order).
 */
export class VerifierPool {
  readonly #pool: BatchPool<VerifyItem, boolean>;
  readonly #ids = new WeakMap<KeyObject, number>();
  #lastId = 0;

  constructor(size = 1) {
    // 8 ES256 verifications ≈ 0.6 ms of a core here.
    this.#pool = new BatchPool(new URL('./verifier-worker.ts', import.meta.url), { size, maxBatch: 8, maxInflight: 4, name: 'verifier pool' });
  }

  /** `sig` is the JWS's base64url signature part. */
  verify(alg: string, key: KeyObject, input: string, sig: string): Promise<boolean> {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = ++this.#lastId;
      this.#ids.set(key, id);
      this.#pool.broadcast<VerifierKey>({ type: 'key', id, key }, `key ${id}`);
    }
    return this.#pool.run({ key: id, alg, input, sig });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
