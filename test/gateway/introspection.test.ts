import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { bearer, call, gatewayConfig, RESOURCE, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

describe('opaque tokens: RFC 7662 introspection', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway; let as: Server; let asUrl = '';
  const seen: Array<{ auth: string | undefined; body: string }> = [];
  let down = false;
  const now = () => Math.floor(Date.now() / 1000);
  const answers: Record<string, unknown> = {
    'opaque-good': { active: true, client_id: 'other-agent', sub: 'person-9', scope: 'catalog:read', aud: [RESOURCE], exp: now() + 300, iat: now() - 5, iss: 'https://other.example' },
    'opaque-mcp': { active: true, client_id: 'other-agent', scope: 'catalog:read', aud: 'http://localhost:8080/mcp', exp: now() + 300 },
    'opaque-no-aud': { active: true, client_id: 'other-agent', scope: 'catalog:read', exp: now() + 300 },
  };
  before(async () => {
    process.env.TEST_INTROSPECTION_SECRET = 's3cret';
    as = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        seen.push({ auth: req.headers.authorization, body });
        if (down) { res.writeHead(500); res.end(); return; }
        const token = new URLSearchParams(body).get('token') ?? '';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answers[token] ?? { active: false }));
      });
    });
    await new Promise<void>((r) => as.listen(0, '127.0.0.1', () => r()));
    asUrl = `http://127.0.0.1:${(as.address() as AddressInfo).port}/introspect`;
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [{ path: '/rest/V1/products', upstream: 'shop', permission: { scopes: ['catalog:read'] } }], {
      introspection: { endpoint: asUrl, clientId: 'deputy gateway', clientSecretEnv: 'TEST_INTROSPECTION_SECRET', cacheSeconds: 30 },
    }));
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); as.closeAllConnections(); await new Promise((r) => as.close(r)); delete process.env.TEST_INTROSPECTION_SECRET; });
  const get = (t: string) => call(`${gw.url}/rest/V1/products`, { headers: bearer(t) });

  it('an active token passes, once per cache period, with client authentication', async () => {
    const before = seen.length;
    assert.equal((await get('opaque-good')).status, 200);
    assert.equal((await get('opaque-good')).status, 200);
    assert.equal(seen.length - before, 1);
    assert.equal(seen.at(-1)!.auth, `Basic ${Buffer.from('deputy%20gateway:s3cret').toString('base64')}`);
    assert.equal(seen.at(-1)!.body, 'token=opaque-good&token_type_hint=access_token');
    const { payload } = await jwtVerify(String(up.seen.at(-1)!.headers['x-deputy-identity']), createLocalJWKSet(JSON.parse(gw.gw.identityJwks)), { audience: 'shop' });
    assert.deepEqual({ sub: payload.sub, client_id: payload.client_id, auth_method: payload.auth_method, user_type: payload.user_type }, { sub: 'person-9', client_id: 'other-agent', auth_method: 'introspection', user_type: 'customer' });
  });

  it('inactive tokens, other audiences and answers without aud are 401', async () => {
    for (const t of ['opaque-unknown', 'opaque-mcp', 'opaque-no-aud']) {
      const r = await get(t);
      assert.equal(r.status, 401, t);
      assert.match(String(r.headers['www-authenticate']), /^Bearer error="invalid_token"/);
    }
  });

  it('JWTs are still verified locally', async () => {
    const before = seen.length;
    assert.equal((await get(await issuer.token())).status, 200);
    assert.equal(seen.length, before);
  });

  it('an unreachable endpoint is a 503, not a pass and not a 401', async () => {
    down = true;
    try {
      const r = await get('opaque-fresh-while-down');
      assert.equal(r.status, 503);
      assert.equal(r.headers['retry-after'], '5');
      assert.deepEqual(r.json(), { message: 'The token cannot be checked right now; retry later.', parameters: [] });
    } finally { down = false; }
  });

  it('a missing client secret is a start-up error', async () => {
    await assert.rejects(startGateway(gatewayConfig(issuer, up, [{ path: '/a', upstream: 'shop' }], { introspection: { endpoint: asUrl, clientId: 'x', clientSecretEnv: 'NO_SUCH_SECRET_VAR' } })),
      { message: 'config: gateway.introspection.clientSecretEnv: environment variable NO_SUCH_SECRET_VAR is not set' });
  });
});
