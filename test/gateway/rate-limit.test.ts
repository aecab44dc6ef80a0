import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RateLimiters } from '../../src/gateway/rate-limiters.ts';
import { redisOrSkip } from '../helpers/backends.ts';
import { bearer, call, gatewayConfig, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

const routes = [{ id: 'p', path: '/rest/V1/products', upstream: 'shop', rateLimit: 'tight' }];

describe('rate limits in memory', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway;
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [...routes, { id: 'b', path: '/rest/V1/burst', upstream: 'shop', rateLimit: 'bursty' }], {
      rateLimits: { tight: { points: 5, duration: 60, by: ['agent'] }, bursty: { points: 100, duration: 60, burst: 3, by: ['person'] }, vip: { points: 8, duration: 60, by: ['agent'] } },
      clients: { 'agent-vip': { rateLimit: 'vip' } },
    }));
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  it('N concurrent requests against a limit of L allow exactly L', async () => {
    const t = await issuer.token({ client_id: 'agent-a' });
    const rs = await Promise.all(Array.from({ length: 20 }, () => call(`${gw.url}/rest/V1/products`, { headers: bearer(t) })));
    assert.equal(rs.filter((r) => r.status === 200).length, 5);
    const denied = rs.filter((r) => r.status === 429);
    assert.equal(denied.length, 15);
    const d = denied[0]!;
    // GCRA, 5 per 60 s: one more request passes 12 s after the burst, the bucket is full after 60 s.
    assert.match(String(d.headers['retry-after']), /^(11|12)$/);
    assert.equal(d.headers['ratelimit-policy'], '"tight";q=5;w=60');
    assert.match(String(d.headers.ratelimit), /^"tight";r=0;t=(59|60)$/);
    assert.deepEqual(d.json(), { message: 'Too many requests; retry later.', parameters: [] });
    const ok = rs.find((r) => r.status === 200)!;
    assert.match(String(ok.headers.ratelimit), /^"tight";r=[0-4];t=\d+$/);
  });

  it('limits each agent separately, and a client class replaces the route class', async () => {
    const other = await issuer.token({ client_id: 'agent-b' });
    assert.equal((await call(`${gw.url}/rest/V1/products`, { headers: bearer(other) })).status, 200);
    const vip = await issuer.token({ client_id: 'agent-vip' });
    const rs = await Promise.all(Array.from({ length: 12 }, () => call(`${gw.url}/rest/V1/products`, { headers: bearer(vip) })));
    assert.equal(rs.filter((r) => r.status === 200).length, 8);
  });

  it('burst below points bounds how many pass at once', async () => {
    const t = await issuer.token({ sub: 'person-1' });
    const rs = await Promise.all(Array.from({ length: 6 }, () => call(`${gw.url}/rest/V1/burst`, { headers: bearer(t) })));
    assert.equal(rs.filter((r) => r.status === 200).length, 3);
    // T = 0.6 s: the next request passes within a second.
    const d = rs.find((r) => r.status === 429)!;
    assert.equal(d.headers['retry-after'], '1');
    assert.equal(d.headers['ratelimit-policy'], '"bursty";q=100;w=60');
  });
});

describe('rate limits in Redis across two in-process gateways', async () => {
  const redis = await redisOrSkip();
  let issuer: Issuer; let up: Upstream; let a: Gateway; let b: Gateway;
  const prefix = `deputy:test:${randomBytes(4).toString('hex')}`;
  before(async () => {
    if ('skip' in redis) return;
    issuer = await startIssuer();
    up = await startUpstream();
    const cfg = gatewayConfig(issuer, up, routes, { rateLimits: { tight: { points: 7, duration: 60, by: ['agent'] } } });
    a = await startGateway(cfg, { redisUrl: redis.url, gatewayOptions: { rateLimitPrefix: prefix } });
    b = await startGateway(cfg, { redisUrl: redis.url, gatewayOptions: { rateLimitPrefix: prefix } });
  });
  after(async () => { if ('skip' in redis) return; await a.close(); await b.close(); await up.close(); await issuer.close(); });

  it('30 concurrent requests split over two gateways allow exactly 7', { skip: 'skip' in redis ? redis.skip : false }, async () => {
    const t = await issuer.token({ client_id: 'agent-shared' });
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => call(`${(i % 2 ? a : b).url}/rest/V1/products`, { headers: bearer(t) })));
    assert.equal(rs.filter((r) => r.status === 200).length, 7);
    assert.equal(rs.filter((r) => r.status === 429).length, 23);
  });
});

describe('rate limits when Redis is down', () => {
  it('fall back to a local limit and log loudly', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'error' }, new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }));
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      const limiters = new RateLimiters({ c: { points: 3, duration: 60, burst: 3, by: ['agent'] } }, { redis: dead, log });
      const ds = await Promise.all(Array.from({ length: 5 }, () => limiters.consume('c', 'k')));
      assert.deepEqual(ds.map((d) => d.allowed), [true, true, true, false, false]);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /Redis unavailable — rate limits fall back to per-process in-memory limiters/);
    } finally { dead.disconnect(); }
  });
});
