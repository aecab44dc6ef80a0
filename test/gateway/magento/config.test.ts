import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../../src/config/schema.ts';
import { gatewayConfig } from '../../../src/gateway/config.ts';
import { DEFAULT_WEBAPI_PATH } from '../../../src/magento/webapi-profile.ts';

const cfg = (gateway: Record<string, unknown>) => gatewayConfig(validateConfig({ gateway }));
const up = { shop: { url: 'http://127.0.0.1:9000' } };

describe('gateway config: Magento keys', () => {
  it('defaults: webapi on /rest/*, Magento auth routes to the auth upstream, sessions on', () => {
    const g = gatewayConfig(validateConfig({}));
    const rest = g.routes.find((r) => r.id === 'shop-rest')!;
    assert.deepEqual(rest.webapi, { profile: DEFAULT_WEBAPI_PATH, allowAnonymousGuestAccess: undefined });
    assert.equal(rest.permission.anonymous, true);
    assert.equal(rest.errors, 'magento');
    const token = g.routes.find((r) => r.id === 'magento-customer-token')!;
    assert.deepEqual([token.upstream, token.methods, token.rateLimit, token.forwardAuthorization, token.filters], ['auth', ['POST'], ['magento-token'], false, ['ip-filter', 'size-limit', 'rate-limit', 'request-transform', 'forward']]);
    assert.equal(g.routes.find((r) => r.id === 'oauth1-access-token')!.forwardAuthorization, true);
    assert.deepEqual(g.rateLimits['magento-token'], { points: 30, duration: 60, burst: 30, by: ['ip'] });
    assert.equal(g.upstreams.auth!.url, 'http://127.0.0.1:4000');
    assert.deepEqual(g.session, { enabled: true, origins: [] });
    assert.equal(g.publicBaseUrl, undefined);
  });

  it('without an auth upstream the default routes leave the Magento auth routes out', () => {
    assert.deepEqual(cfg({ upstreams: { ...up, mcp: { url: 'http://127.0.0.1:9100' } } }).routes.map((r) => r.id), ['shop-rest', 'mcp']);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['webapi with its own permission', { upstreams: up, routes: [{ path: '/rest/*', upstream: 'shop', webapi: true, permission: { self: true } }] }, /^config: gateway\.routes\[0\]\.permission: a webapi route takes its permissions from the profile/],
    ['an unknown webapi key', { upstreams: up, routes: [{ path: '/rest/*', upstream: 'shop', webapi: { profil: 'x' } }] }, /^config: gateway\.routes\[0\]\.webapi\.profil: unknown key/],
    ['a non-boolean guest access', { upstreams: up, routes: [{ path: '/rest/*', upstream: 'shop', webapi: { allowAnonymousGuestAccess: 'no' } }] }, /^config: gateway\.routes\[0\]\.webapi\.allowAnonymousGuestAccess: must be true or false/],
    ['a publicBaseUrl with a path', { publicBaseUrl: 'https://shop.example/api' }, /^config: gateway\.publicBaseUrl: must be an origin only/],
    ['a relative publicBaseUrl', { publicBaseUrl: 'shop.example' }, /^config: gateway\.publicBaseUrl/],
    ['a session origin with a path', { session: { origins: ['https://shop.example/x'] } }, /^config: gateway\.session\.origins\[0\]: must be an origin only/],
    ['an unknown session key', { session: { cors: true } }, /^config: gateway\.session\.cors: unknown key/],
  ];
  for (const [name, g, re] of bad) it(`rejects ${name}`, () => assert.throws(() => cfg(g), { message: re }));
});
