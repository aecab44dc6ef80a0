import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { validateConfig } from '../../src/config/schema.ts';
import { createGatewayServer, type GatewayServer } from '../../src/gateway/server.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { bearer, call, gatewayConfig, startIssuer, startUpstream, type Issuer, type Upstream } from './helpers.ts';

// The access log through a real gateway: one pino-format line a request, allowed and
// denied, masked paths, no credentials, nothing lost at shutdown.

describe('gateway access log', () => {
  let issuer: Issuer; let up: Upstream; let rt: Runtime; let gw: GatewayServer; let url: string;
  const out: string[] = [];
  const lines = () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'gateway request');
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    const config = validateConfig({
      masterKey: randomBytes(32).toString('base64'), logLevel: 'info',
      gateway: gatewayConfig(issuer, up, [
        { id: 'products', path: '/rest/V1/products', upstream: 'shop' },
        { id: 'customer', path: '/rest/V1/customers/:email', upstream: 'shop', mask: { detectors: ['email', 'card'] } },
      ]),
    });
    const log = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { out.push(String(c)); cb(); } }) });
    rt = await createRuntime(config, log, { sqliteFile: ':memory:', auditFlushMs: 20 });
    gw = await createGatewayServer(rt);
    url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => { await up.close(); await issuer.close(); });

  it('writes one line a request, allowed or denied, with masked paths and no credentials; close flushes', async () => {
    const token = await issuer.token({ client_id: 'agent-7', sub: 'user-7' });
    assert.equal((await call(`${url}/rest/V1/products?x=1`, { headers: bearer(token) })).status, 200);
    assert.equal((await call(`${url}/rest/V1/products`)).status, 401);
    assert.equal((await call(`${url}/rest/V1/customers/alice@example.com`, { headers: bearer(token) })).status, 200);
    assert.equal((await call(`${url}/rest/V1/customers/4111111111111111`, { headers: bearer(token) })).status, 200);
    // Lines are batched; closing the gateway writes what is pending.
    await gw.close();
    await rt.close();
    const got = lines();
    assert.equal(got.length, 4, 'one line a request');
    for (const l of got) {
      assert.equal(l.level, 30);
      assert.equal(typeof l.time, 'number');
      assert.equal(l.role, 'gateway', 'the logger\'s bindings are kept');
      assert.match(String(l.reqId), /^[0-9a-f-]{36}$/);
      assert.equal(typeof l.ms, 'number');
      assert.equal(l.ip, '127.0.0.1');
    }
    assert.deepEqual(got.map((l) => [l.method, l.path, l.route, l.status, l.decision]), [
      ['GET', '/rest/V1/products', 'products', 200, 'allow'],
      ['GET', '/rest/V1/products', 'products', 401, 'deny'],
      ['GET', '/rest/V1/customers/a***@example.com', 'customer', 200, 'allow'],
      ['GET', '/rest/V1/customers/****1111', 'customer', 200, 'allow'],
    ]);
    assert.equal(got[0]!.client_id, 'agent-7');
    assert.equal(got[0]!.sub, 'user-7');
    assert.equal(got[1]!.filter, 'authenticate');
    assert.equal(got[1]!.reason, 'missing_token');
    assert.equal(got[1]!.client_id, undefined);
    const all = out.join('');
    assert.ok(!all.includes(token) && !all.includes(token.split('.')[2]!), 'no token, nor its signature, in the log');
    assert.ok(!all.includes('alice@example.com') && !all.includes('4111111111111111'), 'masked in the log too');
  });
});
