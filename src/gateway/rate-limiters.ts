import type { Redis } from 'ioredis';
import type { Logger } from '../platform/logger.ts';
import type { RateClassConfig } from './config.ts';
import { gcraClass, gcraDecision, MemoryGcra, type GcraClass, type RateDecision } from './gcra.ts';
import { redisGcra } from './gcra-redis.ts';

export type { RateDecision } from './gcra.ts';

// One GCRA limiter per rate class (see gcra.ts), in memory or in Redis (an atomic Lua
// script on the server's clock, shared by every gateway process). When Redis is not
// ready, errors or times out, each process keeps limiting with its local in-memory GCRA
// of the same class (fail-open to a per-process limit, never to no limit) and logs an
// error at most every 10 s. Without Redis, consume() is synchronous and allocates only
// the decision.

export interface RateLimitersOptions {
  redis: Redis | undefined;
  log: Logger;
  /** Redis key prefix; keys are `<prefix>:<class>:<key>`. */
  prefix?: string;
  /** Clock of the in-memory limiters, ms (tests step it); Redis uses its own TIME. */
  now?: () => number;
  /** Longest wait for the Redis script before falling back to the local limit. */
  redisTimeoutMs?: number;
}

interface ClassLimiter { gcra: GcraClass; local: MemoryGcra; redisPrefix: string }

const WARN_EVERY_MS = 10_000;

export class RateLimiters {
  readonly #classes = new Map<string, ClassLimiter>();
  readonly #redis: Redis | undefined;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #lastWarn = -Infinity;

  constructor(classes: Record<string, RateClassConfig>, opts: RateLimitersOptions) {
    this.#redis = opts.redis;
    this.#log = opts.log;
    this.#now = opts.now ?? Date.now;
    this.#timeoutMs = opts.redisTimeoutMs ?? 500;
    const prefix = opts.prefix ?? 'deputy:rl';
    for (const [name, cfg] of Object.entries(classes)) {
      const gcra = gcraClass(name, cfg.points, cfg.duration, cfg.burst);
      this.#classes.set(name, { gcra, local: new MemoryGcra(gcra), redisPrefix: `${prefix}:${name}:` });
    }
  }

  /** Check-and-consume one request; synchronous (a decision) without Redis. */
  consume(className: string, key: string): RateDecision | Promise<RateDecision> {
    const c = this.#classes.get(className);
    if (!c) throw new Error(`unknown rate class ${JSON.stringify(className)}`);
    const redis = this.#redis;
    if (!redis) return this.#local(c, key);
    if (redis.status !== 'ready') {
      this.#warn({ redisStatus: redis.status });
      return this.#local(c, key);
    }
    return redisGcra(redis, c.redisPrefix + key, c.gcra.interval, c.gcra.tolerance, this.#timeoutMs).then(
      (r) => gcraDecision(c.gcra, r.allowed, r.debt),
      (err: unknown) => {
        this.#warn({ redisStatus: redis.status, err });
        return this.#local(c, key);
      },
    );
  }

  #local(c: ClassLimiter, key: string): RateDecision {
    return c.local.consume(key, Math.round(this.#now() * 1000));
  }

  #warn(fields: Record<string, unknown>): void {
    const now = Date.now();
    if (now - this.#lastWarn < WARN_EVERY_MS) return;
    this.#lastWarn = now;
    this.#log.error(fields, 'gateway: Redis unavailable — rate limits fall back to per-process in-memory limiters (fail-open to a local limit)');
  }
}
