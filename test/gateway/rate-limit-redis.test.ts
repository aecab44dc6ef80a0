import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { RateClassConfig } from '../../src/gateway/config.ts';
import { RateLimiters } from '../../src/gateway/rate-limiters.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { deleteRedisKeys, redisOrSkip } from '../helpers/backends.ts';

// GCRA in Redis: the Lua script on the server's clock, against a real Redis.

const cls = (points: number, duration: number, burst = points): RateClassConfig => ({ points, duration, burst, by: ['agent'] });


describe('GCRA in Redis', async () => {
  const backend = await redisOrSkip();
  const skip = 'skip' in backend ? backend.skip : false;
  const prefix = `deputy:test:rl:${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  before(async () => {
    if ('skip' in backend) return;
    // As the runtime builds it: no offline queue, so a dead connection fails fast.
    redis = new Redis(backend.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect();
  });
  after(async () => {
    if ('skip' in backend) return;
    await deleteRedisKeys(redis, prefix);
    redis.disconnect();
  });

  it('30 concurrent requests against a limit of 7 allow exactly 7, from two limiter instances', { skip }, async () => {
    const classes = { c: cls(7, 60) };
    const a = new RateLimiters(classes, { redis, log: silentLogger(), prefix });
    const b = new RateLimiters(classes, { redis, log: silentLogger(), prefix });
    const ds = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).consume('c', 'agent-1')));
    assert.equal(ds.filter((d) => d.allowed).length, 7);
    const remaining = ds.filter((d) => d.allowed).map((d) => d.remaining).sort((x, y) => x - y);
    assert.deepEqual(remaining, [0, 1, 2, 3, 4, 5, 6], 'each pass saw the one before it');
    const refused = ds.find((d) => !d.allowed)!;
    assert.deepEqual([refused.remaining, refused.limit, refused.window], [0, 7, 60]);
    assert.ok(refused.reset === 60 || refused.reset === 59, `reset ${refused.reset}`);
    assert.ok(refused.retryAfter >= 8 && refused.retryAfter <= 9, `retryAfter ${refused.retryAfter}`); // T = 8.57 s
    // The key expires when the bucket is full again.
    const ttl = await redis.pttl(`${prefix}:c:agent-1`);
    assert.ok(ttl > 55_000 && ttl <= 60_000, `PTTL ${ttl}`);
    // Another key is untouched.
    assert.equal((await a.consume('c', 'agent-2')).allowed, true);
  });

  it('no double burst, on the server clock: a burst, then one per interval', { skip }, async () => {
    // 3 per 6 s, T = 2 s. Margins: the refusals need the second batch within 2 s of the
    // first pass, the single pass needs the third batch 2 s … 4 s after it (we aim at 2.6 s).
    const l = new RateLimiters({ c: cls(3, 6) }, { redis, log: silentLogger(), prefix });
    const batch = async (n: number) => (await Promise.all(Array.from({ length: n }, () => l.consume('c', 'boundary')))).filter((d) => d.allowed).length;
    assert.equal(await batch(3), 3);
    assert.equal(await batch(3), 0, 'a fixed window reset here would let 3 more pass');
    await sleep(2600);
    assert.equal(await batch(3), 1, 'exactly one interval has passed');
  });

  it('burst below points, in Redis', { skip }, async () => {
    const l = new RateLimiters({ c: cls(100, 60, 4) }, { redis, log: silentLogger(), prefix });
    const ds = await Promise.all(Array.from({ length: 12 }, () => l.consume('c', 'small-burst')));
    assert.equal(ds.filter((d) => d.allowed).length, 4);
    assert.equal(ds.find((d) => !d.allowed)!.retryAfter, 1);
  });
});

/** Splits a RESP stream of client commands (arrays of bulk strings) into command names. */
function commandNames(buf: string): { names: string[]; rest: string } {
  const names: string[] = [];
  let at = 0;
  for (;;) {
    const m = /^\*(\d+)\r\n/.exec(buf.slice(at));
    if (!m) break;
    let p = at + m[0].length;
    const args: string[] = [];
    for (let i = 0; i < Number(m[1]); i++) {
      const b = /^\$(\d+)\r\n/.exec(buf.slice(p));
      if (!b || buf.length < p + b[0].length + Number(b[1]) + 2) return { names, rest: buf.slice(at) };
      p += b[0].length;
      args.push(buf.slice(p, p + Number(b[1])));
      p += Number(b[1]) + 2;
    }
    names.push(args[0]!.toLowerCase());
    at = p;
  }
  return { names, rest: buf.slice(at) };
}

/** A "Redis" that completes the handshake and ready check, then never answers a command: a hung server. */
async function hungRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    let buf = '';
    s.on('data', (d) => {
      const { names, rest } = commandNames(buf + d.toString('latin1'));
      buf = rest;
      for (const name of names) {
        if (name === 'hello') s.write('-ERR unknown command \'hello\'\r\n');
        else if (name === 'client') s.write('+OK\r\n');
        else if (name === 'info') { const info = '# Server\r\nredis_version:7.0.0\r\nloading:0\r\n'; s.write(`$${info.length}\r\n${info}\r\n`); }
        // anything else (EVALSHA): silence
      }
    });
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `redis://127.0.0.1:${port}`, close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }) };
}

describe('GCRA when Redis hangs', () => {
  it('a request never waits on a hung Redis: it times out to the local limit and logs once', async () => {
    const hung = await hungRedis();
    const lines: string[] = [];
    const log = pino({ level: 'error' }, new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }));
    const redis = new Redis(hung.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
    try {
      redis.on('error', () => undefined); // connection errors surface through the limiter, not as unhandled events
      await redis.connect();
      assert.equal(redis.status, 'ready');
      const l = new RateLimiters({ c: cls(3, 60) }, { redis, log, redisTimeoutMs: 200 });
      const started = Date.now();
      const ds = await Promise.all(Array.from({ length: 5 }, () => l.consume('c', 'k')));
      assert.ok(Date.now() - started < 5000, 'did not hang');
      assert.deepEqual(ds.map((d) => d.allowed), [true, true, true, false, false]);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /Redis unavailable — rate limits fall back to per-process in-memory limiters/);
      assert.match(lines[0]!, /timed out after 200 ms/);
    } finally {
      redis.disconnect();
      await hung.close();
    }
  });
});
