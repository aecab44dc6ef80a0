import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/schema.ts';
import { gatewayConfig } from '../../src/gateway/config.ts';
import { gcraClass, MemoryGcra, type RateDecision } from '../../src/gateway/gcra.ts';
import { RateLimiters } from '../../src/gateway/rate-limiters.ts';
import { silentLogger } from '../../src/platform/logger.ts';

// GCRA in memory with a stepped clock: every number here is exact.

function limiters(points: number, duration: number, burst = points) {
  const clock = { ms: 1_700_000_000_000 };
  const l = new RateLimiters({ c: { points, duration, burst, by: ['agent'] } }, { redis: undefined, log: silentLogger(), now: () => clock.ms });
  const take = (key = 'k'): RateDecision => {
    const d = l.consume('c', key);
    assert.ok(!(d instanceof Promise), 'without Redis a decision is synchronous');
    return d;
  };
  /** How many of n requests at the current instant pass. */
  const passes = (n: number, key = 'k') => Array.from({ length: n }, () => take(key)).filter((d) => d.allowed).length;
  return { clock, take, passes };
}

describe('GCRA in memory', () => {
  it('L at once pass, the L+1th is refused, then one more per emission interval', () => {
    const { clock, take, passes } = limiters(5, 60); // T = 12 s
    const first = take();
    assert.deepEqual(first, { allowed: true, className: 'c', limit: 5, window: 60, remaining: 4, reset: 12, retryAfter: 0 });
    assert.equal(passes(3), 3);
    const last = take();
    assert.deepEqual([last.allowed, last.remaining, last.reset, last.retryAfter], [true, 0, 60, 12]);
    const refused = take();
    assert.deepEqual(refused, { allowed: false, className: 'c', limit: 5, window: 60, remaining: 0, reset: 60, retryAfter: 12 });
    clock.ms += 11_999;
    assert.equal(take().retryAfter, 1, 'one millisecond left rounds up to a second');
    clock.ms += 1;
    assert.equal(passes(5), 1, 'after exactly one interval exactly one passes');
    clock.ms += 24_000;
    assert.equal(passes(5), 2);
  });

  it('no double burst at a window boundary: L at duration − ε, then almost nothing at duration + ε', () => {
    const { clock, passes } = limiters(10, 60); // T = 6 s
    const t0 = clock.ms;
    clock.ms = t0 + 60_000 - 1; // the end of a fixed window…
    assert.equal(passes(10), 10);
    clock.ms = t0 + 60_000 + 1; // …and the start of the next one: a fixed window would allow 10 more
    assert.equal(passes(10), 0);
    clock.ms = t0 + 60_000 + 6_000;
    assert.equal(passes(10), 1);
  });

  it('in any interval of length `duration` at most burst + points pass, under a greedy client', () => {
    for (const [points, duration, burst] of [[10, 60, 10], [7, 10, 3], [4, 4, 12]] as const) {
      const { clock, passes } = limiters(points, duration, burst);
      const t0 = clock.ms;
      const passedAt: number[] = [];
      // Try as hard as possible every 250 ms for ten windows, with odd steps to hit boundaries.
      for (let t = 0; t < duration * 10_000; t += 250 + (t % 7)) {
        clock.ms = t0 + t;
        const n = passes(burst + 5);
        for (let i = 0; i < n; i++) passedAt.push(t);
      }
      let most = 0;
      for (let i = 0, j = 0; i < passedAt.length; i++) {
        while (passedAt[i]! - passedAt[j]! >= duration * 1000) j++;
        most = Math.max(most, i - j + 1);
      }
      assert.ok(most <= burst + points, `${points}/${duration}s burst ${burst}: ${most} passed within one duration`);
      // The sustained rate holds: over ten windows about 10 × points pass (plus the burst).
      assert.ok(passedAt.length <= burst + 10 * points && passedAt.length >= 10 * points - 1, `${passedAt.length} passed in ten windows`);
    }
  });

  it('burst below points limits the instantaneous burst but not the sustained rate', () => {
    const { clock, take, passes } = limiters(10, 10, 2); // T = 1 s, 2 at once
    assert.equal(passes(5), 2);
    const refused = take();
    assert.deepEqual([refused.allowed, refused.remaining, refused.reset, refused.retryAfter], [false, 0, 2, 1]);
    clock.ms += 1000;
    assert.equal(passes(5), 1);
    clock.ms += 2000;
    assert.equal(passes(5), 2, 'the bucket never holds more than the burst');
    for (let s = 0; s < 10; s++) { clock.ms += 1000; assert.equal(passes(5), 1); }
  });

  it('burst above points allows a larger first burst, then the sustained rate', () => {
    const { clock, passes } = limiters(2, 10, 6); // T = 5 s
    assert.equal(passes(10), 6);
    clock.ms += 5000;
    assert.equal(passes(10), 1);
  });

  it('a fractional emission interval is still exact (7 per 60 s)', () => {
    const { clock, passes } = limiters(7, 60);
    assert.equal(passes(30), 7);
    clock.ms += 60_000;
    assert.equal(passes(30), 7);
  });

  it('keys are separate, and a sweep drops keys whose bucket is full again', () => {
    const cls = gcraClass('c', 2, 1, 2);
    const m = new MemoryGcra(cls);
    const t = 5_000_000;
    for (let i = 0; i < 100; i++) assert.equal(m.consume(`k${i}`, t).allowed, true);
    assert.equal(m.consume('k1', t).allowed, true);
    assert.equal(m.consume('k1', t).allowed, false);
    assert.equal(m.size, 100);
    assert.equal(m.consume('other', t + 2_000_000).allowed, true, 'no sweep yet: within 10 s of the last');
    assert.equal(m.size, 101);
    assert.equal(m.consume('late', t + 10_000_000).allowed, true);
    assert.equal(m.size, 1, 'every idle key swept, only the new one kept');
  });
});

describe('rate class config', () => {
  const classes = (rateLimits: unknown) => gatewayConfig(validateConfig({ gateway: { rateLimits } })).rateLimits;
  it('burst is an integer, default points', () => {
    assert.deepEqual(classes({ a: { points: 10, duration: 60 } }).a, { points: 10, duration: 60, burst: 10, by: ['agent'] });
    assert.equal(classes({ a: { points: 10, duration: 60, burst: 3 } }).a!.burst, 3);
    assert.equal(classes({ a: { points: 10, duration: 60, burst: '40' } }).a!.burst, 40);
  });
  it('rejects the old window form and out-of-range values, naming the key', () => {
    assert.throws(() => classes({ a: { points: 10, duration: 60, burst: { points: 3, duration: 10 } } }), /gateway\.rateLimits\.a\.burst.*must be an integer/);
    assert.throws(() => classes({ a: { points: 10, duration: 60, burst: 0 } }), /gateway\.rateLimits\.a\.burst/);
    assert.throws(() => classes({ a: { points: 10, duration: 60, burst: 10_001 } }), /gateway\.rateLimits\.a\.burst/);
    assert.throws(() => classes({ a: { points: 10, duration: 60, burst: 2.5 } }), /gateway\.rateLimits\.a\.burst/);
  });
});
