import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/schema.ts';
import { gatewayConfig } from '../../src/gateway/config.ts';
import { startGateway } from './helpers.ts';

const cfg = (gateway: Record<string, unknown>) => gatewayConfig(validateConfig({ gateway }));
const up = { shop: { url: 'http://127.0.0.1:9000' } };

describe('gateway config', () => {
  it('defaults front the demo shop and the MCP server', () => {
    const g = gatewayConfig(validateConfig({}));
    assert.deepEqual(Object.values(g.upstreams).map((u) => [u.name, u.url, u.audience]), [['shop', 'http://127.0.0.1:9000', 'shop'], ['mcp', 'http://127.0.0.1:9100', 'mcp'], ['auth', 'http://127.0.0.1:4000', 'auth']]);
    assert.deepEqual(g.routes.filter((r) => r.upstream !== 'auth').map((r) => [r.path, r.upstream, r.resource]), [['/rest/*', 'shop', 'http://localhost:8080/rest'], ['/mcp', 'mcp', 'http://localhost:8080/mcp']]);
    // Magento token services and the OAuth 1.0a handshake pass through to the auth server (test/gateway/magento).
    assert.equal(g.routes.filter((r) => r.upstream === 'auth').length, 8);
    assert.equal(g.issuer, 'http://localhost:4000');
    assert.equal(g.jwksUri, 'http://localhost:4000/jwks');
    assert.deepEqual(g.algorithms, ['ES256']);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['unknown key', { nope: 1 }, /^config: gateway\.nope: unknown key/],
    ['bad algorithm', { algorithms: ['HS256'] }, /^config: gateway\.algorithms: unsupported algorithm "HS256"/],
    ['upstream with a path', { upstreams: { shop: { url: 'http://127.0.0.1:9000/x' } } }, /^config: gateway\.upstreams\.shop\.url: must be an origin only/],
    ['unknown upstream', { upstreams: up, routes: [{ path: '/a', upstream: 'nope' }] }, /^config: gateway\.routes\[0\]\.upstream: unknown upstream "nope"/],
    ['un-normalised route path', { upstreams: up, routes: [{ path: '/a/../b', upstream: 'shop' }] }, /^config: gateway\.routes\[0\]\.path: must be an absolute, normalised path/],
    ['bad method', { upstreams: up, routes: [{ path: '/a', upstream: 'shop', methods: ['BREW'] }] }, /^config: gateway\.routes\[0\]\.methods: unsupported method "BREW"/],
    ['anonymous with scopes', { upstreams: up, routes: [{ path: '/a', upstream: 'shop', permission: { anonymous: true, scopes: ['x'] } }] }, /^config: gateway\.routes\[0\]\.permission\.anonymous: an anonymous route cannot/],
    ['forced param not in path', { upstreams: up, routes: [{ path: '/a/:id', upstream: 'shop', forced: { path: { other: '%customer_id%' } } }] }, /^config: gateway\.routes\[0\]\.forced\.path\.other: the path has no :other parameter/],
    ['unknown rate class', { upstreams: up, routes: [{ path: '/a', upstream: 'shop', rateLimit: 'gold' }] }, /^config: gateway\.routes\[0\]\.rateLimit: unknown rate-limit class "gold"/],
    ['bad rate key', { rateLimits: { x: { points: 1, by: ['moon'] } } }, /^config: gateway\.rateLimits\.x\.by: unknown key "moon"/],
    ['bad mask path', { upstreams: up, routes: [{ path: '/a', upstream: 'shop', mask: { paths: ['$..x'] } }] }, /^config: gateway\.routes\[0\]\.mask\.paths: unsupported JSON path/],
    ['duplicate route id', { upstreams: up, routes: [{ id: 'x', path: '/a', upstream: 'shop' }, { id: 'x', path: '/b', upstream: 'shop' }] }, /^config: gateway\.routes\[1\]\.id: duplicate route id "x"/],
  ];
  for (const [name, g, re] of bad) it(`rejects ${name}`, () => assert.throws(() => cfg(g), { message: re }));

  const chains: Array<[string, unknown[], RegExp]> = [
    ['an unknown filter', ['authenticate', 'request-transform', 'teleport', 'forward'], /gateway\.routes\[0\]\.filters: unknown filter "teleport"/],
    ['forward not last', ['authenticate', 'forward', 'request-transform'], /the last filter must be forward|request-transform must come|forward must come/],
    ['a filter before its dependency', ['route-permission', 'authenticate', 'request-transform', 'forward'], /route-permission must come after authenticate/],
    ['no authentication on a protected route', ['request-transform', 'forward'], /needs the authenticate filter/],
    ['no request-transform', ['authenticate', 'forward'], /request-transform is required/],
    ['a duplicate filter', ['authenticate', 'authenticate', 'request-transform', 'forward'], /listed twice/],
  ];
  for (const [name, filters, re] of chains) {
    it(`refuses to start with ${name}`, async () => {
      await assert.rejects(startGateway({ upstreams: up, routes: [{ path: '/a', upstream: 'shop', filters }] }), re);
    });
  }
});
