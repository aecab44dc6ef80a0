import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, hidden, signIn } from '../../auth/people/people-server.ts';
import { startCallbackServer } from './callback-server.ts';
import { magentoAuth, magentoServer, PASSWORD } from './helpers.ts';

async function adminBrowser(issuer: string): Promise<{ b: Browser; csrf: string }> {
  const b = new Browser(issuer);
  const home = await signIn(b, await b.get('/login'), 'root', PASSWORD);
  assert.equal(home.status, 200);
  return { b, csrf: hidden(home.text, 'csrf') };
}

test('admin console: create, activate (callback + identity link), revoke an integration', async (t) => {
  const cb = await startCallbackServer();
  const srv = await magentoServer({ integrations: { callbackAllowlist: ['127.0.0.1'], allowLoopbackCallbacks: true } });
  t.after(async () => { await srv.close(); await cb.close(); });
  const { b, csrf } = await adminBrowser(srv.issuer);
  const page = await b.get('/admin/magento/integrations');
  assert.equal(page.status, 200);
  assert.match(page.text, /value="Magento_Sales::actions_view"/);

  const bad = await b.post('/admin/magento/integrations', { csrf, name: 'Broken', callback_url: 'javascript:alert(1)', all: '1' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /callback URL: not an absolute URL: javascript:alert\(1\)|callback URL: the URL must use http or https/);
  const forged = await b.post('/admin/magento/integrations', { csrf: 'forged', name: 'X', all: '1' });
  assert.equal(forged.status, 403);

  const created = await b.post('/admin/magento/integrations', { csrf, name: 'Warehouse', email: 'wh@example.com', callback_url: `${cb.base}/cb`, identity_link_url: `${cb.base}/login`, resource: ['Magento_Catalog::products', 'Magento_Sales::actions_view'] });
  assert.equal(created.status, 303);
  assert.equal(created.location, '/admin/magento/integrations?notice=created');
  const m = magentoAuth(srv.rt);
  const [i] = await m.integrations.list();
  assert.deepEqual([i!.name, i!.status, i!.resources], ['Warehouse', 'inactive', ['Magento_Catalog::products', 'Magento_Sales::actions_view']]);

  const listed = await b.get('/admin/magento/integrations?notice=created');
  assert.match(listed.headers.get('content-security-policy')!, new RegExp(`form-action 'self' ${cb.base.replace(/[.]/g, '\\.')}`), 'the identity-link redirect is allowed');
  const activated = await b.post(`/admin/magento/integrations/${i!.id}/activate`, { csrf });
  assert.equal(activated.status, 303);
  assert.equal(activated.location, `${cb.base}/login?oauth_consumer_key=${i!.consumerKey}&success_call_back=${encodeURIComponent(`${srv.issuer}/admin/magento/integrations?notice=activated`)}`);
  assert.equal(cb.posts.length, 1);
  assert.equal(cb.posts[0]!.form.oauth_consumer_key, i!.consumerKey);

  const revoked = await b.post(`/admin/magento/integrations/${i!.id}/revoke`, { csrf });
  assert.equal(revoked.location, '/admin/magento/integrations?notice=revoked');
  assert.equal((await m.integrations.find(i!.id)).status, 'revoked');
});

test('admin console: without a callback the credentials are shown once; failures are shown, not thrown', async (t) => {
  const srv = await magentoServer({ integrations: { callbackAllowlist: ['127.0.0.1'] } });
  t.after(() => srv.close());
  const m = magentoAuth(srv.rt);
  const manual = await m.integrations.create({ name: 'Manual', resources: 'all' });
  const local = await m.integrations.create({ name: 'Local', callbackUrl: 'http://127.0.0.1:9/cb', resources: 'all' });
  const { b, csrf } = await adminBrowser(srv.issuer);
  const shown = await b.post(`/admin/magento/integrations/${manual.id}/activate`, { csrf });
  assert.equal(shown.status, 200);
  assert.match(shown.headers.get('cache-control')!, /no-store/);
  assert.match(shown.text, new RegExp(`<dt>Consumer key</dt><dd><code>${manual.consumerKey}</code>`));
  assert.match(shown.text, /<dt>Access token secret<\/dt><dd><code>[0-9a-f]{32}<\/code>/);
  const failed = await b.post(`/admin/magento/integrations/${local.id}/activate`, { csrf });
  assert.equal(failed.status, 502);
  assert.match(failed.text, /Activation failed: callback host 127\.0\.0\.1 resolves to a loopback or private address \(127\.0\.0\.1\)/);
  assert.equal((await m.integrations.find(local.id)).status, 'inactive');
});

test('admin console: "Revoke tokens" on a user revokes everything issued before now; customers are refused', async (t) => {
  const srv = await magentoServer();
  t.after(() => srv.close());
  const { b, csrf } = await adminBrowser(srv.issuer);
  const admin = await b.get('/admin');
  assert.match(admin.text, new RegExp(`action="/admin/users/${srv.customerId}/revoke-tokens"`));
  const r = await b.post(`/admin/users/${srv.customerId}/revoke-tokens`, { csrf });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/admin?notice=tokens-revoked');
  const now = Math.floor(srv.clock.now() / 1000);
  const rows = await srv.rt.repos.revocations.since(0, now);
  assert.deepEqual(rows.map((x) => [x.kind, x.value, x.created_at]), [['subject', srv.customerId, now]]);
  assert.match((await b.get('/admin?notice=tokens-revoked')).text, /Every token issued to that user before now is revoked\./);

  const c = new Browser(srv.issuer);
  const home = await signIn(c, await c.get('/login'), 'carol@example.com', PASSWORD);
  const refused = await c.post(`/admin/users/${srv.adminId}/revoke-tokens`, { csrf: hidden(home.text, 'csrf') });
  assert.equal(refused.status, 403);
  assert.equal((await c.get('/admin/magento/integrations')).status, 403);
  assert.equal((await new Browser(srv.issuer).get('/admin/magento/integrations')).location, '/login');
});
