import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../platform/logger.ts';
import type { RateClassConfig } from './config.ts';

// One limiter per rate class (plus an optional shorter burst window), in memory or in
// Redis (atomic Lua check-and-consume, shared by every gateway process). When Redis is
// unreachable each process keeps limiting with a local in-memory limiter (fail-open to
// a per-process limit, never to no limit) and logs an error at most every 10 s.

export interface RateDecision {
  allowed: boolean;
  className: string;
  limit: number;
  window: number;
  remaining: number;
  /** Seconds until the window resets. */
  reset: number;
}

interface ClassLimiters { cfg: RateClassConfig; main: RateLimiterAbstract; burst: RateLimiterAbstract | undefined }

export class RateLimiters {
  readonly #classes = new Map<string, ClassLimiters>();
  readonly #redis: Redis | undefined;
  readonly #log: Logger;
  #lastWarn = 0;

  constructor(classes: Record<string, RateClassConfig>, opts: { redis: Redis | undefined; log: Logger; prefix?: string }) {
    this.#redis = opts.redis;
    this.#log = opts.log;
    const prefix = opts.prefix ?? 'deputy:rl';
    for (const [name, cfg] of Object.entries(classes)) {
      this.#classes.set(name, {
        cfg,
        main: this.#make(`${prefix}:${name}`, cfg.points, cfg.duration),
        burst: cfg.burst ? this.#make(`${prefix}:${name}:burst`, cfg.burst.points, cfg.burst.duration) : undefined,
      });
    }
  }

  #make(keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
    const local = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!this.#redis) return local;
    return new RateLimiterRedis({ storeClient: this.#redis, keyPrefix, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: local });
  }

  #warnIfDegraded(): void {
    if (!this.#redis || this.#redis.status === 'ready') return;
    const now = Date.now();
    if (now - this.#lastWarn < 10_000) return;
    this.#lastWarn = now;
    this.#log.error({ redisStatus: this.#redis.status }, 'gateway: Redis unavailable — rate limits fall back to per-process in-memory limiters (fail-open to a local limit)');
  }

  async consume(className: string, key: string): Promise<RateDecision> {
    const c = this.#classes.get(className)!;
    this.#warnIfDegraded();
    const base = { className, limit: c.cfg.points, window: c.cfg.duration };
    const burst = c.burst ? await settle(c.burst.consume(key)) : undefined;
    if (burst && !burst.ok) return { ...base, allowed: false, remaining: 0, reset: Math.ceil(burst.res.msBeforeNext / 1000) };
    const main = await settle(c.main.consume(key));
    return { ...base, allowed: main.ok, remaining: main.res.remainingPoints, reset: Math.ceil(main.res.msBeforeNext / 1000) };
  }
}

async function settle(p: Promise<RateLimiterRes>): Promise<{ ok: boolean; res: RateLimiterRes }> {
  try {
    return { ok: true, res: await p };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { ok: false, res: err };
    throw err;
  }
}
