import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { deleteRedisKeys, redisOrSkip } from '../helpers/backends.ts';
import { bearer, call, gatewayConfig, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

// Two real gateway OS processes (this one and a child) share one Redis: the GCRA script
// on the server's clock makes the limit exact across them.

const FIXTURE = join(import.meta.dirname, 'fixtures/gateway-process.ts');

interface Child { url: string; proc: ChildProcess; stop(): Promise<void> }

/** Spawns the fixture gateway; resolves with its URL, rejects (and kills it) if it does not start. */
function spawnGateway(input: unknown): Promise<Child> {
  const proc = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', FIXTURE], {
    env: { ...process.env, DEPUTY_TEST_GATEWAY: JSON.stringify(input) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => { if (proc.exitCode !== null || proc.signalCode !== null) r(); else proc.once('exit', () => r()); });
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  return new Promise((resolve, reject) => {
    const fail = (why: string) => { void stop(); reject(new Error(`gateway process ${why}: ${stderr.slice(-2000)}`)); };
    const timer = setTimeout(() => fail('did not start within 30 s'), 30_000);
    const onExit = (code: number | null, sig: NodeJS.Signals | null) => { clearTimeout(timer); fail(`exited (${code ?? sig}) before listening`); };
    proc.once('exit', onExit);
    proc.once('error', (err) => { clearTimeout(timer); fail(err.message); });
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      proc.off('exit', onExit);
      try { resolve({ url: (JSON.parse(line) as { url: string }).url, proc, stop }); } catch { fail(`printed ${JSON.stringify(line)}`); }
    });
  });
}

describe('rate limits across two gateway OS processes sharing Redis', async () => {
  const redis = await redisOrSkip();
  const skip = 'skip' in redis ? redis.skip : false;
  const prefix = `deputy:test:rl:${randomBytes(4).toString('hex')}`;
  let issuer: Issuer | undefined; let up: Upstream | undefined; let local: Gateway | undefined; let child: Child | undefined;

  before(async () => {
    if ('skip' in redis) return;
    issuer = await startIssuer();
    up = await startUpstream();
    const cfg = gatewayConfig(issuer, up, [{ id: 'p', path: '/rest/V1/products', upstream: 'shop', rateLimit: 'tight' }], {
      rateLimits: { tight: { points: 7, duration: 60, by: ['agent'] } },
    });
    child = await spawnGateway({ gateway: cfg, redisUrl: redis.url, rateLimitPrefix: prefix });
    local = await startGateway(cfg, { redisUrl: redis.url, gatewayOptions: { rateLimitPrefix: prefix } });
  });

  after(async () => {
    // Always: the child first, so no process outlives the test even if the rest fails.
    await child?.stop();
    await local?.close();
    await up?.close();
    await issuer?.close();
    if ('skip' in redis) return;
    const r = new Redis(redis.url);
    try { await deleteRedisKeys(r, prefix); } finally { r.disconnect(); }
  });

  it('30 concurrent requests split across the two processes allow exactly 7', { skip }, async () => {
    assert.notEqual(child!.proc.pid, process.pid);
    const t = await issuer!.token({ client_id: 'agent-two-processes' });
    const urls = [local!.url, child!.url];
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => call(`${urls[i % 2]}/rest/V1/products`, { headers: bearer(t) })));
    assert.equal(rs.filter((r) => r.status === 200).length, 7);
    assert.equal(rs.filter((r) => r.status === 429).length, 23);
    // Both processes refused some: the shared state, not one process, did the limiting.
    for (const [i, url] of urls.entries()) assert.ok(rs.some((r, j) => j % 2 === i && r.status === 429), `${url} refused none`);
    for (const r of rs.filter((x) => x.status === 429)) assert.ok(Number(r.headers['retry-after']) >= 1);
    // Afterwards either process refuses the agent: one limit, not one per process.
    assert.equal((await call(`${child!.url}/rest/V1/products`, { headers: bearer(t) })).status, 429);
    assert.equal((await call(`${local!.url}/rest/V1/products`, { headers: bearer(t) })).status, 429);
  });
});
