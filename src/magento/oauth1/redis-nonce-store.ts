import type { Redis } from 'ioredis';
import { sha256 } from '../../crypto/hash.ts';
import type { NonceStore } from './nonce-store.ts';

/** Nonces shared by every gateway process: one atomic SET NX EX per signed request. */
export class RedisNonceStore implements NonceStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix = 'deputy:oauth1:nonce:') { this.#redis = redis; this.#prefix = prefix; }

  async use(consumerKey: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    const ttl = Math.max(1, expiresAt - now);
    // Hashed so the key length is fixed whatever the client sends.
    const key = this.#prefix + sha256(`${consumerKey.length}:${consumerKey}:${nonce}`);
    return (await this.#redis.set(key, '1', 'EX', ttl, 'NX')) === 'OK';
  }
}
