import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import formbody from '@fastify/formbody';
import { createHttpServer } from '../../src/platform/http.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import {
  MemoryNonceStore, OAuth1Error, parseOAuthHeader, percentEncode, signatureBaseString, verifyOAuth1Request,
  type OAuth1Request, type OAuth1VerifyOptions,
} from '../../src/magento/oauth1/index.ts';

const CONSUMERS: Record<string, string> = { ck_shop: 'cs_secret-with/odd&chars', ck_other: 'other-secret' };
const TOKENS: Record<string, { consumer: string; secret: string }> = { at_1: { consumer: 'ck_shop', secret: 'ts_secret' }, at_other: { consumer: 'ck_other', secret: 'x' } };
const NOW = Math.floor(Date.now() / 1000);

function options(extra: Partial<OAuth1VerifyOptions> = {}): OAuth1VerifyOptions {
  return {
    findConsumer: async (k) => (CONSUMERS[k] === undefined ? undefined : { secret: CONSUMERS[k] }),
    findToken: async (t, k) => (TOKENS[t]?.consumer === k ? { secret: TOKENS[t].secret } : undefined),
    nonces: new MemoryNonceStore(),
    now: NOW,
    ...extra,
  };
}

function client(key = 'ck_shop', method: 'HMAC-SHA256' | 'HMAC-SHA1' = 'HMAC-SHA256'): OAuth {
  return new OAuth({
    consumer: { key, secret: CONSUMERS[key] ?? 'unknown' },
    signature_method: method,
    hash_function: (base, k) => createHmac(method === 'HMAC-SHA256' ? 'sha256' : 'sha1', k).update(base).digest('base64'),
  });
}

/** A request signed by the oauth-1.0a package, at time NOW unless told otherwise. */
function signed(opts: { method?: string; url?: string; data?: Record<string, string>; token?: string | null; key?: string; sigMethod?: 'HMAC-SHA256' | 'HMAC-SHA1'; ts?: number; nonce?: string } = {}): OAuth1Request & { header: string; url: string } {
  const method = opts.method ?? 'GET';
  const url = opts.url ?? 'http://127.0.0.1:8080/rest/V1/products?searchCriteria[pageSize]=5&searchCriteria[filter_groups][0][filters][0][field]=name';
  const c = client(opts.key, opts.sigMethod);
  // The package's own hooks for time and nonce, so tests can pin them.
  c.getTimeStamp = () => opts.ts ?? NOW;
  if (opts.nonce) c.getNonce = () => opts.nonce as string;
  const t = opts.token === null ? undefined : { key: opts.token ?? 'at_1', secret: TOKENS[opts.token ?? 'at_1']?.secret ?? 'nope' };
  const header = c.toHeader(c.authorize({ url, method, ...(opts.data ? { data: opts.data } : {}) }, t)).Authorization;
  return { method, url, authorization: header, header, ...(opts.data ? { form: opts.data } : {}) };
}

async function problem(req: OAuth1Request, opts = options()): Promise<string> {
  try { await verifyOAuth1Request(req, opts); } catch (e) { if (e instanceof OAuth1Error) return e.problem; throw e; }
  return 'accepted';
}

test('RFC 5849 §3.4.1 example: the base string is built exactly', () => {
  const url = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
  const header = parseOAuthHeader('OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"')!;
  const params = [...url.searchParams.entries(), ...new URLSearchParams('c2&a3=2+q').entries(), ...header.filter(([k]) => k !== 'oauth_signature')];
  assert.equal(signatureBaseString('post', url, params),
    'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7');
  assert.equal(signatureBaseString('GET', new URL('HTTPS://Example.COM:443/a%20b?x=1'), []), 'GET&https%3A%2F%2Fexample.com%2Fa%2520b&');
  assert.equal(signatureBaseString('GET', new URL('http://example.com:8080/'), []), 'GET&http%3A%2F%2Fexample.com%3A8080%2F&');
  assert.equal(percentEncode("!*'() ~é"), '%21%2A%27%28%29%20~%C3%A9');
});

test('interop: requests signed by the oauth-1.0a package (HMAC-SHA256) are accepted', async () => {
  const get = signed();
  const v = await verifyOAuth1Request(get, options());
  assert.deepEqual([v.consumerKey, v.token, v.signatureMethod], ['ck_shop', 'at_1', 'HMAC-SHA256']);
  assert.equal(v.oauth.oauth_signature, undefined);
  assert.equal(await problem(signed({ method: 'POST', url: 'http://localhost:8080/rest/default/V1/carts/mine/items', data: { 'cartItem[sku]': 'DP-APP-0001', note: "it's 50% off & more" } })), 'accepted', 'form body parameters are signed');
  assert.equal(await problem({ ...signed({ method: 'POST', data: { a: '1' } }), form: 'a=1' }), 'accepted', 'a raw form body works too');
  assert.equal(await problem(signed({ method: 'PUT', url: 'http://127.0.0.1:8080/rest/V1/customers/me' })), 'accepted', 'JSON bodies are not signed');
  assert.equal(await problem(signed({ method: 'POST', url: 'http://127.0.0.1:8080/oauth/token/request', token: null }), options({ requireToken: false })), 'accepted', 'request-token calls have no token');
});

test('interop over real HTTP: a Fastify route verifies what oauth-1.0a signed and fetch sent', async (t) => {
  const app = createHttpServer({ log: silentLogger(), name: 'oauth1-test', bodyLimit: 65536 });
  await app.register(formbody);
  const opts = options();
  app.all('/rest/V1/*', async (request, reply) => {
    try {
      const v = await verifyOAuth1Request({ method: request.method, url: `http://${request.headers.host}${request.url}`, authorization: request.headers.authorization, form: request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? request.body as Record<string, string> : undefined }, opts);
      return { consumer: v.consumerKey };
    } catch (e) {
      if (e instanceof OAuth1Error) return reply.code(e.status).send(e.toJSON());
      throw e;
    }
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const c = client();
  const token = { key: 'at_1', secret: 'ts_secret' };
  const url = `${base}/rest/V1/products?searchCriteria[pageSize]=5&q=caf%C3%A9`;
  const authHeader = c.toHeader(c.authorize({ url, method: 'GET' }, token)).Authorization;
  const ok = await fetch(url, { headers: { authorization: authHeader } });
  assert.deepEqual([ok.status, await ok.json()], [200, { consumer: 'ck_shop' }]);
  const replay = await fetch(url, { headers: { authorization: authHeader } });
  assert.deepEqual([replay.status, await replay.json()], [401, { message: 'The nonce is already being used by the consumer with ID %1.', parameters: ['ck_shop'], code: 5, problem: 'nonce_used' }]);
  const form = { 'cartItem[qty]': '2', sku: 'DP A+B' };
  const postUrl = `${base}/rest/V1/carts/mine/items`;
  const post = await fetch(postUrl, { method: 'POST', headers: { authorization: c.toHeader(c.authorize({ url: postUrl, method: 'POST', data: form }, token)).Authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  assert.deepEqual([post.status, await post.json()], [200, { consumer: 'ck_shop' }]);
  const tampered = await fetch(postUrl, { method: 'POST', headers: { authorization: c.toHeader(c.authorize({ url: postUrl, method: 'POST', data: form }, token)).Authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...form, 'cartItem[qty]': '200' }).toString() });
  assert.equal(tampered.status, 401);
  assert.equal(((await tampered.json()) as { problem: string }).problem, 'signature_invalid');
});

test('every refusal carries Magento\'s problem name, code and status', async () => {
  const cases: Array<[string, OAuth1Request, OAuth1VerifyOptions?]> = [
    ['parameter_absent', { method: 'GET', url: 'http://h/rest/V1/products' }],
    ['parameter_absent', { ...signed(), authorization: signed().header.replace(/oauth_nonce="[^"]*",?\s*/, '') }],
    ['parameter_absent', signed({ token: null })],
    ['parameter_rejected', { ...signed(), url: signed().url + '&oauth_nonce=again' }],
    ['version_rejected', { ...signed(), authorization: signed().header.replace('oauth_version="1.0"', 'oauth_version="2.0"') }],
    ['signature_method_rejected', signed({ sigMethod: 'HMAC-SHA1' })],
    ['signature_method_rejected', { ...signed(), authorization: signed().header.replace('HMAC-SHA256', 'PLAINTEXT') }],
    ['timestamp_refused', signed({ ts: NOW - 601 })],
    ['timestamp_refused', signed({ ts: NOW + 601 })],
    ['timestamp_refused', { ...signed(), authorization: signed().header.replace(/oauth_timestamp="\d+"/, 'oauth_timestamp="soon"') }],
    ['consumer_key_rejected', signed({ key: 'ck_nobody' })],
    ['token_rejected', signed({ token: 'at_missing' })],
    ['token_rejected', signed({ token: 'at_other' }), undefined],
    ['signature_invalid', { ...signed(), url: signed().url.replace('pageSize]=5', 'pageSize]=6') }],
    ['signature_invalid', { ...signed(), method: 'DELETE' }],
    ['signature_invalid', { ...signed({ method: 'POST', data: { qty: '1' } }), form: { qty: '100' } }],
    ['signature_invalid', { ...signed(), url: signed().url.replace('127.0.0.1:8080', 'evil.example') }],
  ];
  for (const [expected, req, opts] of cases) assert.equal(await problem(req, opts ?? options()), expected, `${expected}: ${req.authorization ?? ''} ${String(req.url)}`);

  const err = new OAuth1Error('signature_invalid');
  assert.deepEqual([err.code, err.status, err.toFormBody(), err.message], [7, 401, 'oauth_problem=signature_invalid', 'The signature is invalid. Verify and try again.']);
  const absent = new OAuth1Error('parameter_absent', 'oauth_nonce');
  assert.deepEqual([absent.code, absent.status, absent.toFormBody()], [2, 400, 'oauth_problem=parameter_absent&oauth_parameters_absent=oauth_nonce']);
  assert.deepEqual([new OAuth1Error('timestamp_refused').status, new OAuth1Error('nonce_used', 'k').code, new OAuth1Error('consumer_key_rejected').code, new OAuth1Error('token_rejected').code, new OAuth1Error('version_rejected', '2').code, new OAuth1Error('signature_method_rejected', 'x').code], [400, 5, 8, 12, 1, 6]);
});

test('timestamps within ±600 s pass; HMAC-SHA1 only behind the legacy switch', async () => {
  assert.equal(await problem(signed({ ts: NOW - 600 })), 'accepted');
  assert.equal(await problem(signed({ ts: NOW + 600 })), 'accepted');
  assert.equal(await problem(signed({ sigMethod: 'HMAC-SHA1' }), options({ allowHmacSha1: true })), 'accepted');
});

test('a nonce is single use per consumer, checked only after the signature', async () => {
  const opts = options();
  assert.equal(await problem(signed({ nonce: 'n-1' }), opts), 'accepted');
  assert.equal(await problem(signed({ nonce: 'n-1' }), opts), 'nonce_used');
  assert.equal(await problem(signed({ nonce: 'n-1', key: 'ck_other', token: null }), { ...opts, requireToken: false }), 'accepted', 'another consumer may use the same nonce');
  assert.equal(await problem({ ...signed({ nonce: 'n-2' }), method: 'POST' }, opts), 'signature_invalid');
  assert.equal(await problem(signed({ nonce: 'n-2' }), opts), 'accepted', 'a forged request did not burn the nonce');
});

test('the memory nonce store expires entries and fails closed when full', async () => {
  const store = new MemoryNonceStore({ maxEntries: 2 });
  assert.equal(await store.use('c', 'a', 100, 10), true);
  assert.equal(await store.use('c', 'a', 100, 99), false);
  assert.equal(await store.use('c', 'b', 100, 10), true);
  assert.equal(await store.use('c', 'x', 100, 20), false, 'full of live nonces');
  assert.equal(await store.use('c', 'a', 200, 100), true, 'expired entries are forgotten');
  assert.equal(await store.use('c:', 'a', 200, 100), true, 'keys cannot collide across consumers');
});

test('the Redis nonce store is atomic across callers and expires entries', async (t) => {
  const { redisOrSkip } = await import('../helpers/backends.ts');
  const r = await redisOrSkip();
  if ('skip' in r) { t.skip(r.skip); return; }
  const { Redis } = await import('ioredis');
  const { RedisNonceStore } = await import('../../src/magento/oauth1/index.ts');
  const redis = new Redis(r.url);
  t.after(() => redis.disconnect());
  const prefix = `test:nonce:${process.pid}:${Date.now()}:`;
  const a = new RedisNonceStore(redis, prefix);
  const b = new RedisNonceStore(redis, prefix);
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).use('ck', 'same', NOW + 600, NOW)));
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal(await a.use('ck2', 'same', NOW + 600, NOW), true, 'per consumer');
  assert.equal(await a.use('ck', 'short', NOW + 1, NOW), true);
  const ttl = await redis.ttl(`${prefix}${(await import('../../src/crypto/hash.ts')).sha256('2:ck:short')}`);
  assert.equal(ttl, 1);
  const verified = await verifyOAuth1Request(signed({ nonce: 'redis-1' }), options({ nonces: a }));
  assert.equal(verified.consumerKey, 'ck_shop');
  assert.equal(await problem(signed({ nonce: 'redis-1' }), options({ nonces: b })), 'nonce_used', 'another process sees the nonce');
  await redis.del(...(await redis.keys(`${prefix}*`)));
});
