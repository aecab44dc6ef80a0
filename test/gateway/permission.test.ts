import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { bearer, call, nodeCall, gatewayConfig, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

describe('route permission, forced parameters and request transform', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway;
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [
      { id: 'catalog', path: '/rest/V1/products', upstream: 'shop', permission: { anonymous: true } },
      { id: 'orders', path: '/rest/V1/customers/:customerId/orders', upstream: 'shop', permission: { self: true, scopes: ['orders:read'] }, forced: { path: { customerId: '%customer_id%' }, query: { customer_id: '%customer_id%' } } },
      { id: 'cart', methods: ['POST', 'PUT'], path: '/rest/V1/carts/mine/items', upstream: 'shop', permission: { self: true, scopes: ['cart:write', 'checkout'], scopeMode: 'all' }, forced: { body: { customer_id: '%customer_id%', 'cartItem.owner': '%sub%' } } },
      { id: 'admin', path: '/rest/V1/admin/users', upstream: 'shop', permission: { acl: 'Magento_User::acl_users', scopes: ['admin'] } },
      { id: 'me', path: '/rest/V1/me', upstream: 'shop', rewrite: '/internal/customers/:id', permission: {} },
      { id: 'small', methods: ['POST'], path: '/rest/V1/small', upstream: 'shop', bodyLimit: 16, permission: { anonymous: true } },
      { id: 'slow', path: '/rest/V1/slow', upstream: 'shop', permission: { anonymous: true } },
      { id: 'crash', path: '/rest/V1/crash', upstream: 'shop', permission: { anonymous: true } },
      { id: 'down', path: '/rest/V1/down', upstream: 'down', permission: { anonymous: true } },
    ], { upstreams: { shop: { url: up.url, timeoutMs: 300 }, down: { url: 'http://127.0.0.1:1' } } }));
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  it('anonymous routes need no token; the identity token then names a guest', async () => {
    const r = await call(`${gw.url}/rest/V1/products`);
    assert.equal(r.status, 200);
    const id = String(up.seen.at(-1)!.headers['x-deputy-identity']);
    const { payload, protectedHeader } = await jwtVerify(id, createLocalJWKSet(JSON.parse(gw.gw.identityJwks)), { issuer: 'deputy-gateway', audience: 'shop', typ: 'deputy-identity+jwt' });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, 'anonymous');
    assert.equal(payload.user_type, 'guest');
    assert.equal(payload.exp! - payload.iat!, 60);
  });

  it('anonymous routes still refuse a bad token', async () => {
    const r = await call(`${gw.url}/rest/V1/products`, { headers: bearer('garbage') });
    assert.equal(r.status, 401);
  });

  it('self: forced path and query parameters replace what the client sent', async () => {
    const t = await issuer.token({ sub: 'cust-7', scope: 'orders:read' });
    const r = await call(`${gw.url}/rest/V1/customers/999/orders?customer_id=999&customer_id=998&page=2`, { headers: bearer(t) });
    assert.equal(r.status, 200);
    assert.equal(up.seen.at(-1)!.url, '/rest/V1/customers/cust-7/orders?customer_id=cust-7&page=2');
  });

  it('self: an agent acting as itself is refused', async () => {
    const t = await issuer.token({ sub: 'agent-1', client_id: 'agent-1', scope: 'orders:read' });
    const before = up.seen.length;
    const r = await call(`${gw.url}/rest/V1/customers/1/orders`, { headers: bearer(t) });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), { message: 'This resource is only available to a signed-in customer acting on their own data.', parameters: [] });
    assert.equal(up.seen.length, before);
  });

  it('insufficient_scope is a 403 with a challenge', async () => {
    const t = await issuer.token({ sub: 'cust-7', scope: 'catalog:read' });
    const r = await call(`${gw.url}/rest/V1/customers/1/orders`, { headers: bearer(t) });
    assert.equal(r.status, 403);
    assert.equal(r.headers['www-authenticate'], 'Bearer error="insufficient_scope", error_description="The access token lacks the required scope (one of: orders:read).", scope="orders:read", resource_metadata="http://localhost:8080/.well-known/oauth-protected-resource/rest"');
  });

  it('scopeMode all needs every scope', async () => {
    const body = JSON.stringify({ cartItem: { sku: 'A', qty: 1, owner: 'someone-else' }, customer_id: 1 });
    const one = await issuer.token({ sub: 'cust-7', scope: 'cart:write' });
    assert.equal((await call(`${gw.url}/rest/V1/carts/mine/items`, { method: 'POST', headers: { ...bearer(one), 'content-type': 'application/json' }, body })).status, 403);
    const both = await issuer.token({ sub: 'cust-7', scope: 'cart:write checkout' });
    const r = await call(`${gw.url}/rest/V1/carts/mine/items`, { method: 'POST', headers: { ...bearer(both), 'content-type': 'application/json' }, body });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(up.seen.at(-1)!.body), { cartItem: { sku: 'A', qty: 1, owner: 'cust-7' }, customer_id: 'cust-7' });
  });

  it('forced body parameters need a JSON object body', async () => {
    const t = await issuer.token({ sub: 'cust-7', scope: 'cart:write checkout' });
    const form = await call(`${gw.url}/rest/V1/carts/mine/items`, { method: 'POST', headers: { ...bearer(t), 'content-type': 'application/x-www-form-urlencoded' }, body: 'customer_id=1' });
    assert.equal(form.status, 415);
    const bad = await call(`${gw.url}/rest/V1/carts/mine/items`, { method: 'POST', headers: { ...bearer(t), 'content-type': 'application/json' }, body: '{"a":' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json(), { message: 'The request body is not valid JSON.', parameters: [] });
  });

  it('ACL routes need the ACL resource in the token', async () => {
    const no = await issuer.token({ scope: 'admin', user_type: 'admin', acl: ['Magento_Sales::sales'] });
    assert.equal((await call(`${gw.url}/rest/V1/admin/users`, { headers: bearer(no) })).status, 403);
    const yes = await issuer.token({ scope: 'admin', user_type: 'admin', acl: ['Magento_User::acl_users'] });
    assert.equal((await call(`${gw.url}/rest/V1/admin/users`, { headers: bearer(yes) })).status, 200);
    const { payload } = await jwtVerify(String(up.seen.at(-1)!.headers['x-deputy-identity']), createLocalJWKSet(JSON.parse(gw.gw.identityJwks)), { audience: 'shop' });
    assert.equal(payload.user_type, 'admin');
    assert.deepEqual(payload.acl, ['Magento_User::acl_users']);
  });

  it('drops credentials, hop-by-hop and identity headers; names the caller in the identity token', async () => {
    const t = await issuer.token({ sub: 'cust-9', act: { sub: 'agent-1' } });
    const r = await nodeCall(`${gw.url}/rest/V1/me`, {
      ...bearer(t), cookie: 'session=abc', 'x-deputy-identity': 'forged', 'x-forwarded-for': '6.6.6.6', 'x-forwarded-host': 'evil', forwarded: 'for=6.6.6.6',
      'x-real-ip': '6.6.6.6', te: 'trailers', 'x-custom': 'kept', connection: 'x-custom, keep-alive', 'proxy-authorization': 'Basic eA==', 'x-other': 'kept',
    });
    assert.equal(r.status, 200);
    const seen = up.seen.at(-1)!;
    assert.equal(seen.url, '/internal/customers/');
    for (const h of ['authorization', 'cookie', 'x-forwarded-host', 'forwarded', 'x-real-ip', 'te', 'x-custom', 'proxy-authorization']) assert.equal(seen.headers[h], undefined, h);
    assert.equal(seen.headers['x-other'], 'kept');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    const { payload } = await jwtVerify(String(seen.headers['x-deputy-identity']), createLocalJWKSet(JSON.parse(gw.gw.identityJwks)), { issuer: 'deputy-gateway', audience: 'shop' });
    assert.deepEqual({ sub: payload.sub, client_id: payload.client_id, customer_id: payload.customer_id, user_type: payload.user_type, act: payload.act, auth_method: payload.auth_method },
      { sub: 'cust-9', client_id: 'agent-1', customer_id: 'cust-9', user_type: 'customer', act: { sub: 'agent-1' }, auth_method: 'jwt' });
    // Response: upstream hop-by-hop headers are not passed back.
    assert.equal(r.headers['x-upstream'], 'yes');
    assert.equal(r.headers['keep-alive'], 'timeout=72'); // the gateway's own connection, not the upstream's timeout=5
  });

  it('publishes the identity JWKS', async () => {
    const r = await call(`${gw.url}/.well-known/deputy-gateway-jwks.json`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/jwk-set+json; charset=utf-8');
    assert.deepEqual(r.json(), JSON.parse(gw.gw.identityJwks));
  });

  it('enforces the route body limit with 413', async () => {
    const r = await call(`${gw.url}/rest/V1/small`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(17) });
    assert.equal(r.status, 413);
    assert.deepEqual(r.json(), { message: 'The request body exceeds 16 bytes.', parameters: [] });
    assert.equal((await call(`${gw.url}/rest/V1/small`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(16) })).status, 200);
  });

  it('maps upstream failures to 504, 503 and 502', async () => {
    const crash = await call(`${gw.url}/rest/V1/crash`);
    assert.equal(crash.status, 502);
    assert.deepEqual(crash.json(), { message: 'The upstream service failed.', parameters: [] });
    const slow = await call(`${gw.url}/rest/V1/slow`);
    assert.equal(slow.status, 504);
    assert.deepEqual(slow.json(), { message: 'The upstream service did not answer in time.', parameters: [] });
    const down = await call(`${gw.url}/rest/V1/down`);
    assert.equal(down.status, 503);
    assert.deepEqual(down.json(), { message: 'The upstream service is unavailable.', parameters: [] });
  });
});
