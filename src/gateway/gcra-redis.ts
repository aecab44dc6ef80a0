import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

// GCRA in Redis: one Lua script reads the TAT, decides and writes the new TAT in one
// step (scripts run atomically), so N concurrent requests from any number of gateway
// processes allow exactly the class's burst. `now` is the Redis server's TIME, the one
// clock all processes share; gateway clocks never enter the decision.
//
// KEYS[1] the key; ARGV[1] T (µs); ARGV[2] tau (µs). Returns {allowed 0|1, debt µs}:
// the debt (TAT − now) after the request. TATs are integer µs, written with %.0f because
// Lua's tostring keeps only 14 significant digits. PX expiry = the debt, so an idle key
// disappears when its bucket is full again. replicate_commands lets Redis < 5 accept a
// write after TIME (effects replication is the default from Redis 5 on).
export const GCRA_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local nxt = tat + interval
if nxt - now > tolerance then
  return {0, tat - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000))
return {1, nxt - now}
`;

const SHA = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

export interface GcraReply { allowed: boolean; debt: number }

/** Runs the script (EVALSHA, EVAL once the server lacks it); rejects after `timeoutMs`. */
export function redisGcra(redis: Redis, key: string, interval: number, tolerance: number, timeoutMs: number): Promise<GcraReply> {
  const run = redis.evalsha(SHA, 1, key, interval, tolerance).catch((err: unknown) => {
    if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return redis.eval(GCRA_SCRIPT, 1, key, interval, tolerance);
    throw err;
  });
  return new Promise((resolve, reject) => {
    // A hung connection must not hang the request: the caller falls back to a local limit.
    const timer = setTimeout(() => reject(new Error(`Redis rate-limit script timed out after ${timeoutMs} ms`)), timeoutMs);
    run.then((reply) => {
      clearTimeout(timer);
      if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') reject(new Error(`unexpected rate-limit script reply ${JSON.stringify(reply)}`));
      else resolve({ allowed: reply[0] === 1, debt: reply[1] });
    }, (err: unknown) => { clearTimeout(timer); reject(err); });
  });
}
