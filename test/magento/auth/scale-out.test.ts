import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { backends, redisOrSkip } from '../../helpers/backends.ts';
import { postJson } from '../../helpers/http.ts';
import { createOAuth1Authenticator } from '../../../src/magento/integrations/index.ts';
import { OAuth1Error } from '../../../src/magento/oauth1/index.ts';
import { magentoAuth, magentoServer, PASSWORD } from './helpers.ts';

const redis = await redisOrSkip();
const pg = (await backends()).find((b) => b.name === 'postgres')!;
const skip = 'skip' in redis ? redis.skip : pg.skip;

test('two auth processes on one PostgreSQL and Redis: nonces and lockout are shared', { skip }, async (t) => {
  const store = await pg.open();
  const config = { redisUrl: 'url' in redis ? redis.url : undefined };
  const a = await magentoServer({ adminTotp: false }, { store, config });
  // The second process reuses the users the first one created (same store).
  const { startAuthServer } = await import('../../helpers/auth-server.ts');
  const b = await startAuthServer({ store, clock: a.clock, config: { ...config, users: { scrypt: { cost: 1024 } }, magento: { adminTotp: false } } });
  t.after(async () => { await b.close(); await a.close(); await store.close(); });
  assert.ok(a.rt.redis && b.rt.redis, 'both runtimes use Redis');

  const creds = (await magentoAuth(a.rt).integrations.activate((await magentoAuth(a.rt).integrations.create({ name: 'Shared', resources: 'all' })).id)).credentials!;
  const c = new OAuth({ consumer: { key: creds.consumerKey, secret: creds.consumerSecret }, signature_method: 'HMAC-SHA256', hash_function: (base, k) => createHmac('sha256', k).update(base).digest('base64') });
  const url = 'http://127.0.0.1:8080/rest/V1/products';
  const authorization = c.toHeader(c.authorize({ url, method: 'GET' }, { key: creds.accessToken, secret: creds.accessTokenSecret })).Authorization;
  const ok = await createOAuth1Authenticator(a.rt).authenticateOAuth1ApiCall({ method: 'GET', url, authorization });
  assert.equal(ok.consumerKey, creds.consumerKey);
  await assert.rejects(createOAuth1Authenticator(b.rt).authenticateOAuth1ApiCall({ method: 'GET', url, authorization }),
    (e: unknown) => e instanceof OAuth1Error && e.problem === 'nonce_used', 'the replay on the other process is refused');

  for (let i = 0; i < 6; i++) assert.equal((await postJson(`${i % 2 ? a.issuer : b.issuer}/rest/V1/integration/customer/token`, { username: 'carol@example.com', password: `bad ${i}` })).status, 401);
  const locked = await postJson(`${b.issuer}/rest/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD });
  assert.equal(locked.status, 401, 'failures spread over both processes lock the account on each');
  assert.equal((await postJson(`${a.issuer}/rest/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD })).status, 401);
});
