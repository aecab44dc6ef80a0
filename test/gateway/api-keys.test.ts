import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ApiKeyStore } from '../../src/gateway/api-keys.ts';
import { bearer, call, gatewayConfig, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

describe('API keys', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway; let keys: ApiKeyStore;
  const now = () => Math.floor(Date.now() / 1000);
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [
      { id: 'products', path: '/rest/V1/products', upstream: 'shop', permission: { scopes: ['catalog:read'] }, rateLimit: 'default' },
      { id: 'mcp', path: '/mcp', upstream: 'shop', resource: 'http://localhost:8080/mcp', errors: 'problem' },
    ], { apiKeys: { cacheSeconds: 0 }, rateLimits: { default: { points: 100, duration: 60, by: ['apiKey'] }, keyed: { points: 2, duration: 60, by: ['apiKey'] } } }));
    keys = new ApiKeyStore(gw.rt.store.db as never, { cacheSeconds: 0 });
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  const get = (key: string, path = '/rest/V1/products') => call(`${gw.url}${path}`, { headers: bearer(key) });

  it('a valid key authenticates, and only its hash is stored', async () => {
    const { key, record } = await keys.create({ name: 'feed', clientId: 'integration-1', userType: 'integration', scope: 'catalog:read', acl: ['Magento_Catalog::products'], ttl: 3600 }, now());
    assert.match(key, /^dpk_[\w-]+_[\w-]{43}$/);
    const r = await get(key);
    assert.equal(r.status, 200);
    const { payload } = await jwtVerify(String(up.seen.at(-1)!.headers['x-deputy-identity']), createLocalJWKSet(JSON.parse(gw.gw.identityJwks)), { audience: 'shop' });
    assert.deepEqual({ sub: payload.sub, client_id: payload.client_id, user_type: payload.user_type, auth_method: payload.auth_method, acl: payload.acl }, { sub: 'integration-1', client_id: 'integration-1', user_type: 'integration', auth_method: 'api_key', acl: ['Magento_Catalog::products'] });
    const rows = await gw.rt.store.db.selectFrom('api_keys' as never).selectAll().execute();
    assert.ok(!JSON.stringify(rows).includes(key.split('_').at(-1)!));
    assert.equal((await keys.list('integration-1'))[0]!.id, record.id);
  });

  it('unknown, expired and revoked keys are 401 invalid_token', async () => {
    assert.equal((await get('dpk_nope_nope')).status, 401);
    const expired = await keys.create({ name: 'old', clientId: 'c', scope: 'catalog:read', ttl: 1 }, now() - 10);
    const r = await get(expired.key);
    assert.equal(r.status, 401);
    assert.match(String(r.headers['www-authenticate']), /^Bearer error="invalid_token", error_description="The access token is invalid\."/);
    const k = await keys.create({ name: 'k', clientId: 'c', scope: 'catalog:read', ttl: 600 }, now());
    assert.equal((await get(k.key)).status, 200);
    assert.equal(await keys.revoke(k.record.id, now()), true);
    assert.equal((await get(k.key)).status, 401);
  });

  it('scopes and resources of the key apply', async () => {
    const noScope = await keys.create({ name: 'n', clientId: 'c', scope: 'orders:read', ttl: 600 }, now());
    assert.equal((await get(noScope.key)).status, 403);
    const mcpOnly = await keys.create({ name: 'm', clientId: 'c', scope: 'catalog:read', resources: ['http://localhost:8080/mcp'], ttl: 600 }, now());
    assert.equal((await get(mcpOnly.key)).status, 401);
    assert.equal((await get(mcpOnly.key, '/mcp')).status, 200);
  });

  it('a key with its own rate class is limited by it', async () => {
    const k = await keys.create({ name: 'r', clientId: 'c', scope: 'catalog:read', rateLimit: 'keyed', ttl: 600 }, now());
    const rs = await Promise.all(Array.from({ length: 5 }, () => get(k.key)));
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 200, 429, 429, 429]);
    assert.equal(rs.find((r) => r.status === 429)!.headers['ratelimit-policy'], '"keyed";q=2;w=60');
  });
});
