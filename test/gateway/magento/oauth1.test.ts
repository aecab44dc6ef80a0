import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGatewayServer } from '../../../src/gateway/server.ts';
import { send } from '../../helpers/http.ts';
import { catalogIntegration, denied, startStack, signed, type Stack } from './stack.ts';

// OAuth 1.0a integrations through the gateway with the oauth-1.0a package, unmodified:
// the handshake passes through to the auth server, signed API calls are verified at the
// gateway against the URL the client addressed, with the integration's ACL.

describe('OAuth 1.0a through the gateway', () => {
  let s: Stack;
  let i: Awaited<ReturnType<typeof catalogIntegration>>;
  before(async () => {
    s = await startStack();
    i = await catalogIntegration(s);
  });
  after(() => s.close());

  it('signed calls reach the catalog; orders are refused with Magento\'s message', async () => {
    const products = await signed(i.c, `${s.rest}/products?searchCriteria[pageSize]=2`, 'GET', i.token);
    assert.equal(products.status, 200, products.text);
    assert.equal(products.json.items.length, 2);
    const orders = await signed(i.c, `${s.rest}/orders`, 'GET', i.token);
    assert.equal(orders.status, 401);
    assert.deepEqual(orders.json, denied('Magento_Sales::actions_view'));
    const self = await signed(i.c, `${s.rest}/carts/mine`, 'POST', i.token);
    assert.equal(self.status, 401);
    assert.deepEqual(self.json, denied('self'));
  });

  it('the identity token says integration, its ACL and auth_method oauth1; the OAuth header is not forwarded', async () => {
    const r = await signed(i.c, `${s.gwBase}/V1/products/abc`, 'GET', i.token);
    assert.equal(r.status, 200, r.text);
    const seen = s.echo.seen.at(-1)!;
    assert.equal(seen.identity.user_type, 'integration');
    assert.equal(seen.identity.auth_method, 'oauth1');
    assert.equal(seen.identity.client_id, i.form.oauth_consumer_key);
    assert.equal(seen.identity.sub, `integration:${i.created.id}`);
    assert.ok((seen.identity.acl as string[]).includes('Magento_Catalog::products'));
    assert.ok(!(seen.identity.acl as string[]).includes('Magento_Sales::actions_view'));
    assert.equal(seen.headers.authorization, undefined);
  });

  it('OAuth failures answer 401 with Magento\'s message, before any upstream', async () => {
    const seen = s.echo.seen.length;
    const url = `${s.gwBase}/V1/products`;
    const header = i.c.toHeader(i.c.authorize({ url, method: 'GET' }, i.token)).Authorization;
    const ok = await send(url, { headers: { authorization: header } });
    assert.equal(ok.status, 200);
    const replay = await send(url, { headers: { authorization: header } });
    assert.equal(replay.status, 401);
    assert.equal(replay.headers.get('www-authenticate'), 'OAuth');
    assert.deepEqual(replay.json, { message: 'The nonce is already being used by the consumer with ID %1.', parameters: [i.form.oauth_consumer_key] });
    const tampered = header.replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA"');
    const bad = await send(url, { headers: { authorization: tampered.replace(/oauth_nonce="[^"]+"/, 'oauth_nonce="fresh-nonce-1"') } });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, { message: 'The signature is invalid. Verify and try again.', parameters: [] });
    // Signed for another host than the client addressed: the base string differs.
    const elsewhere = i.c.toHeader(i.c.authorize({ url: 'http://shop.example/V1/products', method: 'GET' }, i.token)).Authorization;
    assert.deepEqual((await send(url, { headers: { authorization: elsewhere } })).json, { message: 'The signature is invalid. Verify and try again.', parameters: [] });
    const old = i.c.toHeader({ ...i.c.authorize({ url, method: 'GET' }, i.token), oauth_timestamp: 1000 }).Authorization;
    assert.deepEqual((await send(url, { headers: { authorization: old } })).json, { message: 'The timestamp is out of the accepted range.', parameters: [] });
    const noToken = await signed(i.c, url, 'GET', { key: 'no-such-token', secret: 'x' });
    assert.equal(noToken.status, 401);
    assert.deepEqual(noToken.json, { message: "A token with the specified ID doesn't exist. Verify the token and try again.", parameters: [] });
    const stranger = await signed(i.c, url, 'GET');
    assert.deepEqual(stranger.json, { message: 'The "%1" parameter is missing. Add the parameter and try again.', parameters: ['oauth_token'] });
    assert.equal(stranger.status, 401);
    assert.equal(s.echo.seen.length, seen + 1, 'only the good call reached the upstream');
  });

  it('the signed URL is the public one: publicBaseUrl, or X-Forwarded-* only from a trusted proxy', async () => {
    const start = async (extra: Record<string, unknown>) => {
      const g = await createGatewayServer(s.srv.rt, { config: s.config(extra), rateLimitPrefix: `pub-${Date.now()}-${Math.random()}` });
      s.extraGateways.push(g);
      await g.app.listen({ host: '127.0.0.1', port: 0 });
      return `http://127.0.0.1:${(g.app.server.address() as { port: number }).port}`;
    };
    const publicUrl = 'https://shop.example/V1/products';
    const call = (base: string, headers: Record<string, string> = {}) =>
      send(`${base}/V1/products`, { headers: { ...headers, authorization: i.c.toHeader(i.c.authorize({ url: publicUrl, method: 'GET' }, i.token)).Authorization } });
    const configured = await start({ publicBaseUrl: 'https://shop.example' });
    assert.equal((await call(configured)).status, 200);
    const proxied = await start({ trustedProxies: ['127.0.0.1', '::ffff:127.0.0.1'] });
    assert.equal((await call(proxied, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.example' })).status, 200);
    const untrusted = await start({ trustedProxies: ['192.0.2.1'] });
    const r = await call(untrusted, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.example' });
    assert.equal(r.status, 401, 'forwarded headers from an untrusted peer are ignored');
    assert.deepEqual(r.json, { message: 'The signature is invalid. Verify and try again.', parameters: [] });
  });

  it('an access token as a bare bearer is refused while bearerAccessTokens is off', async () => {
    const r = await send(`${s.gwBase}/V1/products`, { headers: { authorization: `Bearer ${i.token.key}` } });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
  });

  it('a revoked integration is refused at once', async () => {
    const other = await catalogIntegration(s, 'Short-lived');
    assert.equal((await signed(other.c, `${s.gwBase}/V1/products`, 'GET', other.token)).status, 200);
    await s.m.integrations.revoke(other.created.id);
    const r = await signed(other.c, `${s.gwBase}/V1/products`, 'GET', other.token);
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { message: 'A consumer having the specified key does not exist.', parameters: [] });
  });
});

describe('OAuth 1.0a access tokens as bearer tokens (magento.integrations.bearerAccessTokens)', () => {
  let s: Stack;
  before(async () => { s = await startStack({ magento: { integrations: { bearerAccessTokens: true } } }); });
  after(() => s.close());

  it('the access token works as a bearer with the integration ACL', async () => {
    const i = await catalogIntegration(s);
    const r = await send(`${s.gwBase}/V1/products`, { headers: { authorization: `Bearer ${i.token.key}` } });
    assert.equal(r.status, 200, r.text);
    assert.equal(s.echo.seen.at(-1)!.identity.user_type, 'integration');
    assert.equal(s.echo.seen.at(-1)!.identity.auth_method, 'oauth1', 'an integration access token, used as a bearer');
    const orders = await send(`${s.rest}/orders`, { headers: { authorization: `Bearer ${i.token.key}` } });
    assert.equal(orders.status, 401);
    assert.deepEqual(orders.json, denied('Magento_Sales::actions_view'));
  });
});
