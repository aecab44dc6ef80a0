import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Counts failures per key in a sliding window (client authentications, sign-ins). Once
 * a key reaches `max` every attempt is refused — a correct one too — until the window
 * passes, so secrets cannot be guessed at the endpoint's rate. Shared through Redis
 * when the deployment has it, with a local counter as insurance if Redis is down.
 */
export class FailureCounter {
  readonly #limiter: RateLimiterAbstract;

  constructor(opts: { name: string; max: number; windowSeconds: number; redis?: Redis | undefined }) {
    const base = { points: opts.max, duration: opts.windowSeconds, keyPrefix: `deputy:${opts.name}` };
    this.#limiter = opts.redis
      ? new RateLimiterRedis({ ...base, storeClient: opts.redis, insuranceLimiter: new RateLimiterMemory(base) })
      : new RateLimiterMemory(base);
  }

  /** Seconds to wait when locked, else 0. */
  async lockedFor(key: string): Promise<number> {
    const res = await this.#limiter.get(key);
    if (res && res.consumedPoints >= this.#limiter.points) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return 0;
  }

  async fail(key: string): Promise<void> {
    try {
      await this.#limiter.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
    }
  }

  async reset(key: string): Promise<void> {
    await this.#limiter.delete(key);
  }
}
