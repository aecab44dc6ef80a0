import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { createOAuth1Authenticator } from '../../../src/magento/integrations/index.ts';
import { OAuth1Error } from '../../../src/magento/oauth1/index.ts';
import { send } from '../../helpers/http.ts';
import { startCallbackServer } from './callback-server.ts';
import { magentoAuth, magentoServer } from './helpers.ts';

function client(key: string, secret: string, opts: { method?: 'HMAC-SHA256' | 'HMAC-SHA1'; version?: string } = {}): OAuth {
  const method = opts.method ?? 'HMAC-SHA256';
  return new OAuth({
    consumer: { key, secret },
    signature_method: method,
    ...(opts.version ? { version: opts.version } : {}),
    hash_function: (base, k) => createHmac(method === 'HMAC-SHA256' ? 'sha256' : 'sha1', k).update(base).digest('base64'),
  });
}

/**
 * POSTs to an /oauth/token/* endpoint signed by the oauth-1.0a package, unmodified: it
 * signs `data` and puts its oauth_* members (oauth_verifier) in the Authorization header.
 */
async function oauthPost(c: OAuth, url: string, token?: { key: string; secret: string }, data?: Record<string, string>) {
  const auth = c.authorize({ url, method: 'POST', ...(data ? { data } : {}) }, token);
  return send(url, { method: 'POST', headers: { authorization: c.toHeader(auth).Authorization } });
}

async function setup(t: import('node:test').TestContext, magento: Record<string, unknown> = {}) {
  const cb = await startCallbackServer();
  const srv = await magentoServer({ adminTotp: false, integrations: { callbackAllowlist: ['127.0.0.1'], allowLoopbackCallbacks: true }, ...magento });
  t.after(async () => { await srv.close(); await cb.close(); });
  const m = magentoAuth(srv.rt);
  const created = await m.integrations.create({ name: 'Catalog sync', email: 'ops@example.com', callbackUrl: `${cb.base}/endpoint`, identityLinkUrl: `${cb.base}/identity`, resources: ['Magento_Catalog::catalog'] });
  return { srv, cb, m, created };
}

async function activated(t: import('node:test').TestContext, magento: Record<string, unknown> = {}) {
  const s = await setup(t, magento);
  const result = await s.m.integrations.activate(s.created.id, 'admin-id', `${s.srv.issuer}/admin/magento/integrations`);
  const form = s.cb.posts[0]!.form;
  return { ...s, result, form, c: client(form.oauth_consumer_key!, form.oauth_consumer_secret!) };
}

test('activation POSTs the credentials to the callback, then points the admin at the identity link', async (t) => {
  const { srv, cb, created, result, form } = await activated(t);
  assert.equal(created.status, 'inactive');
  assert.deepEqual(cb.posts.map((p) => p.path), ['/endpoint']);
  assert.deepEqual(Object.keys(form).sort(), ['oauth_consumer_key', 'oauth_consumer_secret', 'oauth_verifier', 'store_base_url']);
  assert.equal(form.store_base_url, srv.issuer);
  assert.equal(form.oauth_consumer_key, created.consumerKey);
  assert.match(form.oauth_consumer_secret!, /^[0-9a-f]{32}$/);
  assert.equal(result.integration.status, 'active');
  assert.equal(result.identityLink, `${cb.base}/identity?oauth_consumer_key=${created.consumerKey}&success_call_back=${encodeURIComponent(`${srv.issuer}/admin/magento/integrations`)}`);
  assert.equal(result.credentials, undefined);
});

test('oauth-1.0a runs the handshake unmodified; the signed API call authenticates with the integration ACL', async (t) => {
  const { srv, m, form, c, created } = await activated(t);
  const req = await oauthPost(c, `${form.store_base_url}/oauth/token/request`);
  assert.equal(req.status, 200);
  assert.equal(req.headers.get('content-type'), 'application/x-www-form-urlencoded');
  assert.equal(req.headers.get('cache-control'), 'no-store');
  const rt = Object.fromEntries(new URLSearchParams(req.text));
  assert.deepEqual(Object.keys(rt), ['oauth_token', 'oauth_token_secret']);
  const acc = await oauthPost(c, `${form.store_base_url}/oauth/token/access`, { key: rt.oauth_token!, secret: rt.oauth_token_secret! }, { oauth_verifier: form.oauth_verifier! });
  assert.equal(acc.status, 200, acc.text);
  const at = Object.fromEntries(new URLSearchParams(acc.text));
  assert.match(at.oauth_token!, /^[0-9a-f]{32}$/);
  assert.notEqual(at.oauth_token, rt.oauth_token);

  const url = 'http://127.0.0.1:8080/rest/V1/products?searchCriteria[pageSize]=5';
  const token = { key: at.oauth_token!, secret: at.oauth_token_secret! };
  const authorization = c.toHeader(c.authorize({ url, method: 'GET' }, token)).Authorization;
  const auth = createOAuth1Authenticator(srv.rt);
  const principal = await auth.authenticateOAuth1ApiCall({ method: 'GET', url, authorization });
  assert.deepEqual(principal, { integrationId: created.id, consumerKey: created.consumerKey, acl: m.acl.expand(['Magento_Catalog::catalog']) });
  assert.deepEqual(principal.acl, ['Magento_Catalog::catalog', 'Magento_Catalog::catalog_inventory', 'Magento_Catalog::products', 'Magento_Catalog::categories']);
  await assert.rejects(auth.authenticateOAuth1ApiCall({ method: 'GET', url, authorization }), (e: unknown) => e instanceof OAuth1Error && e.problem === 'nonce_used' && e.status === 401);
  // The request token is spent; the handshake cannot be replayed.
  const again = await oauthPost(c, `${form.store_base_url}/oauth/token/access`, { key: rt.oauth_token!, secret: rt.oauth_token_secret! }, { oauth_verifier: form.oauth_verifier! });
  assert.equal(again.status, 401);
  assert.equal(again.text, 'oauth_problem=token_rejected');
  // Bearer use is off by default.
  assert.equal(await auth.findBearerAccessToken(at.oauth_token!), undefined);
  // Revoking the integration ends its access at once.
  await m.integrations.revoke(created.id);
  const after = c.toHeader(c.authorize({ url, method: 'GET' }, token)).Authorization;
  await assert.rejects(auth.authenticateOAuth1ApiCall({ method: 'GET', url, authorization: after }), (e: unknown) => e instanceof OAuth1Error && e.problem === 'consumer_key_rejected');
});

test('bearer access tokens only behind magento.integrations.bearerAccessTokens', async (t) => {
  const { srv, m, created } = await activated(t, { integrations: { callbackAllowlist: ['127.0.0.1'], allowLoopbackCallbacks: true, bearerAccessTokens: true } });
  const row = await m.integrations.find(created.id);
  const access = await m.integrations.issueToken(row, 'access', null);
  const auth = createOAuth1Authenticator(srv.rt);
  assert.deepEqual(await auth.findBearerAccessToken(access.token), { integrationId: created.id, consumerKey: created.consumerKey, acl: m.acl.expand(['Magento_Catalog::catalog']) });
  assert.equal(await auth.findBearerAccessToken('0'.repeat(32)), undefined);
  await m.integrations.revoke(created.id);
  assert.equal(await auth.findBearerAccessToken(access.token), undefined);
});

test('every OAuth 1.0a refusal: Magento problem names, statuses and form bodies', async (t) => {
  const { srv, m, form, c, created } = await activated(t);
  const base = form.store_base_url!;
  const reqUrl = `${base}/oauth/token/request`;
  const accUrl = `${base}/oauth/token/access`;
  const expect = async (r: Promise<{ status: number; text: string; headers: Headers }>, status: number, body: string) => {
    const res = await r;
    assert.equal(res.status, status, `${body}: got ${res.text}`);
    assert.equal(res.text, body);
    assert.equal(res.headers.get('content-type'), 'application/x-www-form-urlencoded');
  };
  await expect(send(reqUrl, { method: 'POST' }), 400, 'oauth_problem=parameter_absent&oauth_parameters_absent=oauth_consumer_key');
  await expect(oauthPost(client(form.oauth_consumer_key!, form.oauth_consumer_secret!, { version: '2.0' }), reqUrl), 400, 'oauth_problem=version_rejected');
  await expect(oauthPost(client(form.oauth_consumer_key!, form.oauth_consumer_secret!, { method: 'HMAC-SHA1' }), reqUrl), 400, 'oauth_problem=signature_method_rejected');
  await expect(oauthPost(client(form.oauth_consumer_key!, 'not-the-secret'), reqUrl), 401, 'oauth_problem=signature_invalid');
  await expect(oauthPost(client('0123456789abcdef0123456789abcdef', form.oauth_consumer_secret!), reqUrl), 401, 'oauth_problem=consumer_key_rejected');
  const auth = { authorization: c.toHeader(c.authorize({ url: reqUrl, method: 'POST' })).Authorization };
  await expect(send(`${reqUrl}?oauth_nonce=x`, { method: 'POST', headers: auth }), 400, 'oauth_problem=parameter_rejected');
  assert.equal((await send(reqUrl, { method: 'POST', headers: auth })).status, 200);
  await expect(send(reqUrl, { method: 'POST', headers: auth }), 401, 'oauth_problem=nonce_used');
  const rt = Object.fromEntries(new URLSearchParams((await oauthPost(c, reqUrl)).text));
  const reqToken = { key: rt.oauth_token!, secret: rt.oauth_token_secret! };
  await expect(oauthPost(c, accUrl, { key: 'f'.repeat(32), secret: reqToken.secret }, { oauth_verifier: form.oauth_verifier! }), 401, 'oauth_problem=token_rejected');
  await expect(oauthPost(c, accUrl, reqToken), 400, 'oauth_problem=parameter_absent&oauth_parameters_absent=oauth_verifier');
  await expect(oauthPost(c, accUrl, reqToken, { oauth_verifier: 'wrong-verifier' }), 401, 'oauth_problem=verifier_invalid');
  // An inactive integration's consumer key is refused.
  const other = await m.integrations.create({ name: 'Not active', resources: 'all' });
  const secret = m.integrations.consumerSecret(await m.integrations.find(other.id));
  await expect(oauthPost(client(other.consumerKey, secret), reqUrl), 401, 'oauth_problem=consumer_key_rejected');
  assert.equal(created.status, 'inactive');
  // A request token is not an access token.
  const api = 'http://127.0.0.1:8080/rest/V1/products';
  await assert.rejects(createOAuth1Authenticator(srv.rt).authenticateOAuth1ApiCall({ method: 'GET', url: api, authorization: c.toHeader(c.authorize({ url: api, method: 'GET' }, reqToken)).Authorization }),
    (e: unknown) => e instanceof OAuth1Error && e.problem === 'token_rejected' && e.status === 401 && e.code === 12);
  // The client stamps real time; the server's clock is manual. Set it well past the
  // window from real now (the ±600 s boundary is pinned in test/magento/oauth1.test.ts),
  // so seconds the suite spends under load cannot bring the timestamp back inside.
  srv.clock.set(Date.now() + 700_000);
  await expect(oauthPost(c, accUrl, reqToken, { oauth_verifier: form.oauth_verifier! }), 400, 'oauth_problem=timestamp_refused');
  await srv.rt.audit.flush();
  const refused = await srv.rt.repos.auditEvents.query({ action: 'magento.oauth.refused' });
  assert.deepEqual(refused.map((e) => e.reason).reverse(), ['parameter_absent', 'version_rejected', 'signature_method_rejected', 'signature_invalid', 'consumer_key_rejected', 'parameter_rejected', 'nonce_used', 'token_rejected', 'parameter_absent', 'verifier_invalid', 'consumer_key_rejected', 'timestamp_refused']);
});

test('HMAC-SHA1 only with magento.oauth1.allowHmacSha1', async (t) => {
  const { form } = await activated(t, { oauth1: { allowHmacSha1: true } });
  const r = await oauthPost(client(form.oauth_consumer_key!, form.oauth_consumer_secret!, { method: 'HMAC-SHA1' }), `${form.store_base_url}/oauth/token/request`);
  assert.equal(r.status, 200);
});

test('integrations without a callback hand the four credentials over once; inputs are validated', async (t) => {
  const { m } = await setup(t);
  const manual = await m.integrations.create({ name: 'Manual', resources: ['Magento_Sales::actions_view'] });
  const r = await m.integrations.activate('Manual');
  assert.equal(r.identityLink, undefined);
  assert.deepEqual(Object.keys(r.credentials ?? {}), ['consumerKey', 'consumerSecret', 'accessToken', 'accessTokenSecret']);
  assert.equal(r.credentials?.consumerKey, manual.consumerKey);
  const bad = async (input: Parameters<typeof m.integrations.create>[0], message: string) =>
    assert.rejects(m.integrations.create(input), (e: unknown) => (e as Error).message === message);
  await bad({ name: 'x', resources: ['Vendor_Unknown::x'] }, 'unknown ACL resource Vendor_Unknown::x');
  await bad({ name: 'x', resources: [] }, 'choose at least one resource, or all');
  await bad({ name: 'Manual', resources: 'all' }, 'an integration named Manual already exists');
  await bad({ name: 'x', resources: 'all', callbackUrl: 'ftp://x/cb' }, 'callback URL: the URL must use http or https');
  await bad({ name: 'x', resources: 'all', callbackUrl: 'https://u:p@x/cb' }, 'callback URL: the URL must not carry credentials');
});

test('two concurrent access-token exchanges: exactly one succeeds', async (t) => {
  const { form, c } = await activated(t);
  const req = Object.fromEntries(new URLSearchParams((await oauthPost(c, `${form.store_base_url}/oauth/token/request`)).text));
  const token = { key: req.oauth_token!, secret: req.oauth_token_secret! };
  const both = await Promise.all([1, 2].map(() => oauthPost(c, `${form.store_base_url}/oauth/token/access`, token, { oauth_verifier: form.oauth_verifier! })));
  assert.deepEqual(both.map((r) => r.status).sort(), [200, 401]);
  // Which refusal depends on how far the winner got: verifier spent, token spent, or token gone.
  assert.match(both.find((r) => r.status === 401)!.text, /^oauth_problem=(verifier_invalid|token_used|token_rejected)$/);
});
