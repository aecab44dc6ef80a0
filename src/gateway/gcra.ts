// GCRA (generic cell rate algorithm): one number per key, the theoretical arrival time
// (TAT). A class of `points` per `duration` s has an emission interval T = duration /
// points; `burst` requests may pass at once (tolerance tau = burst × T). A request at
// `now` passes iff TAT' = max(TAT, now) + T satisfies TAT' − now ≤ tau. Unlike a fixed
// window there is no boundary where the count resets: in any interval of length
// `duration` at most burst + points requests pass.
//
// Time is in integer microseconds so the arithmetic is exact (T is rounded down to 1 µs, a
// rate error below one part in 10^5 for any sane class), which keeps "L at once allow
// exactly L" exact instead of at the mercy of floating-point sums.

export interface GcraClass {
  name: string;
  /** Sustained rate: `points` per `duration` seconds (what RateLimit-Policy advertises). */
  points: number;
  duration: number;
  /** Emission interval T, µs. */
  interval: number;
  /** Tolerance tau = burst × T, µs. */
  tolerance: number;
}

export interface RateDecision {
  allowed: boolean;
  className: string;
  limit: number;
  window: number;
  /** How many more requests would pass right now. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  reset: number;
  /** Seconds until the next request would pass (0: now); ≥ 1 on a refusal. */
  retryAfter: number;
}

export function gcraClass(name: string, points: number, duration: number, burst: number): GcraClass {
  const interval = Math.max(1, Math.floor((duration * 1_000_000) / points));
  return { name, points, duration, interval, tolerance: interval * burst };
}

/** The decision for a key whose debt (TAT − now, µs) after this request is `debt`. */
export function gcraDecision(c: GcraClass, allowed: boolean, debt: number): RateDecision {
  const wait = debt + c.interval - c.tolerance;
  return {
    allowed,
    className: c.name,
    limit: c.points,
    window: c.duration,
    remaining: Math.max(0, Math.floor((c.tolerance - debt) / c.interval)),
    reset: Math.ceil(debt / 1_000_000),
    retryAfter: wait > 0 ? Math.ceil(wait / 1_000_000) : 0,
  };
}

const SWEEP_EVERY_US = 10_000_000;

/**
 * In-process GCRA for one class: a Map key → TAT (µs). Keys whose TAT has passed hold no
 * state worth keeping (the bucket is full), so a sweep at most every 10 s drops them and
 * memory stays bounded by the keys active within one tolerance.
 */
export class MemoryGcra {
  readonly #c: GcraClass;
  readonly #tats = new Map<string, number>();
  #nextSweep = 0;

  constructor(c: GcraClass) { this.#c = c; }

  get size(): number { return this.#tats.size; }

  /** Check-and-consume at `now` (µs); synchronous, so atomic within the process. */
  consume(key: string, now: number): RateDecision {
    if (now >= this.#nextSweep) this.#sweep(now);
    const c = this.#c;
    const stored = this.#tats.get(key);
    const tat = stored !== undefined && stored > now ? stored : now;
    const next = tat + c.interval;
    if (next - now > c.tolerance) return gcraDecision(c, false, tat - now);
    this.#tats.set(key, next);
    return gcraDecision(c, true, next - now);
  }

  #sweep(now: number): void {
    this.#nextSweep = now + SWEEP_EVERY_US;
    for (const [key, tat] of this.#tats) if (tat <= now) this.#tats.delete(key);
  }
}
