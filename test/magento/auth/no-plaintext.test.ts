import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { Kysely } from 'kysely';
import { dumpAllTables } from '../../helpers/db-dump.ts';
import { backends } from '../../helpers/backends.ts';
import { postJson, send } from '../../helpers/http.ts';
import { base32Decode, totp } from '../../../src/magento/totp/totp.ts';
import { startCallbackServer } from './callback-server.ts';
import { magentoAuth, magentoServer, PASSWORD } from './helpers.ts';

for (const backend of await backends()) {
  test(`Magento secrets never rest in plaintext (${backend.name})`, { skip: backend.skip }, async (t) => {
    const store = await backend.open();
    const cb = await startCallbackServer();
    const srv = await magentoServer({ integrations: { callbackAllowlist: ['127.0.0.1'], allowLoopbackCallbacks: true } }, { store });
    t.after(async () => { await srv.close(); await cb.close(); await store.close(); });
    const m = magentoAuth(srv.rt);
    const secrets: string[] = [PASSWORD];

    const customer = await postJson(`${srv.issuer}/rest/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD });
    assert.equal(customer.status, 200);
    secrets.push(customer.json, customer.json.split('.')[2]);
    const uri = await m.totp.enroll((await m.users.find(srv.adminId))!);
    const b32 = new URL(uri).searchParams.get('secret')!;
    secrets.push(b32, base32Decode(b32).toString('hex'), base32Decode(b32).toString('base64'));
    const admin = await postJson(`${srv.issuer}/rest/V1/tfa/provider/google/authenticate`, { username: 'root', password: PASSWORD, otp: totp(base32Decode(b32), Math.floor(srv.clock.now() / 1000)) });
    assert.equal(admin.status, 200);
    secrets.push(admin.json.split('.')[2]);

    const i = await m.integrations.create({ name: 'Scan', callbackUrl: `${cb.base}/cb`, resources: 'all' });
    await m.integrations.activate(i.id);
    const form = cb.posts[0]!.form;
    secrets.push(form.oauth_consumer_secret!, form.oauth_verifier!);
    const c = new OAuth({ consumer: { key: form.oauth_consumer_key!, secret: form.oauth_consumer_secret! }, signature_method: 'HMAC-SHA256', hash_function: (b, k) => createHmac('sha256', k).update(b).digest('base64') });
    const post = (url: string, token?: { key: string; secret: string }, data?: Record<string, string>) =>
      send(url, { method: 'POST', headers: { authorization: c.toHeader(c.authorize({ url, method: 'POST', ...(data ? { data } : {}) }, token)).Authorization } });
    const req = Object.fromEntries(new URLSearchParams((await post(`${form.store_base_url}/oauth/token/request`)).text));
    secrets.push(req.oauth_token!, req.oauth_token_secret!);
    const acc = await post(`${form.store_base_url}/oauth/token/access`, { key: req.oauth_token!, secret: req.oauth_token_secret! }, { oauth_verifier: form.oauth_verifier! });
    assert.equal(acc.status, 200, acc.text);
    const at = Object.fromEntries(new URLSearchParams(acc.text));
    secrets.push(at.oauth_token!, at.oauth_token_secret!);
    const manual = await m.integrations.create({ name: 'Manual', resources: ['Magento_Catalog::products'] });
    const creds = (await m.integrations.activate(manual.id)).credentials!;
    secrets.push(creds.consumerSecret, creds.accessToken, creds.accessTokenSecret);
    await srv.rt.audit.flush();

    const dump = await dumpAllTables(store.db as Kysely<any>); // any: see dumpAllTables
    assert.ok(dump.includes(form.oauth_consumer_key!), 'the dump is real: it holds the consumer key');
    assert.ok(dump.includes('magento.oauth.access_token'), 'the dump holds the audit log');
    for (const s of secrets) assert.ok(!dump.includes(s), `plaintext secret ${s.slice(0, 8)}… found in the database`);
    const row = await m.integrations.find(i.id);
    assert.match(row.consumer_secret_enc, /^v1\./);
  });
}
