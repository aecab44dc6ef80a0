import type { JsonWebKey } from 'node:crypto';
import { BatchPool } from '../platform/batch-pool.ts';
import type { SignerKeys, SignItem } from './signer-worker.ts';

/**
 * Signs JWS inputs on worker threads (signer-worker.ts). Requests made in the same
 * event-loop turn travel together in chunks (platform/batch-pool.ts), so under load the
 * main thread pays a few microseconds per token instead of the whole signature
 * (docs/benchmarks.md, token endpoint).
 */
export class SignerPool {
  readonly #pool: BatchPool<SignItem, string | null>;

  constructor(size = 1) {
    // 16 ES256 signatures ≈ 0.7 ms of a core here.
    this.#pool = new BatchPool(new URL('./signer-worker.ts', import.meta.url), { size, maxBatch: 16, maxInflight: 4, name: 'signer pool' });
  }

  /** Hands the private keys to every worker (after load and rotation). */
  setKeys(keys: Array<{ kid: string; alg: string; jwk: JsonWebKey }>): void {
    this.#pool.broadcast<SignerKeys>({ type: 'keys', keys });
  }

  async sign(kid: string, input: string): Promise<string> {
    const sig = await this.#pool.run({ kid, input });
    if (sig === null) throw new Error(`signer: unknown key ${kid}`);
    return sig;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
