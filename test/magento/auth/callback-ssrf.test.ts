import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallbackError, isPrivateAddress, hostAllowed, postCallback, type CallbackPolicy } from '../../../src/magento/integrations/index.ts';
import { startCallbackServer } from './callback-server.ts';
import { magentoAuth, magentoServer } from './helpers.ts';

const refused = (code: string, message?: string) => (e: unknown) => e instanceof CallbackError && e.code === code && (message === undefined || e.message === message);
const FORM = { oauth_consumer_key: 'k' };

test('address policy: loopback, private, link-local, unspecified and mapped addresses are private', () => {
  for (const a of ['127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '0.0.0.0', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
    assert.equal(isPrivateAddress(a), true, a);
  }
  for (const a of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '93.184.216.34', '2001:4860:4860::8888']) assert.equal(isPrivateAddress(a), false, a);
  assert.equal(hostAllowed('hooks.example.com', ['*.example.com']), true);
  assert.equal(hostAllowed('example.com', ['*.example.com']), false);
  assert.equal(hostAllowed('evil-example.com', ['*.example.com']), false);
  assert.equal(hostAllowed('HOOKS.partner.io', ['hooks.partner.io']), true);
  assert.equal(hostAllowed('anything', []), false, 'an empty allowlist allows nothing');
});

test('private and loopback destinations are refused without the switch, before any connection', async (t) => {
  const cb = await startCallbackServer();
  t.after(() => cb.close());
  const port = new URL(cb.base).port;
  const policy = (allowlist: string[], resolve?: CallbackPolicy['resolve']): CallbackPolicy => ({ allowlist, allowPrivate: false, timeoutMs: 2000, ...(resolve ? { resolve } : {}) });
  await assert.rejects(postCallback(`${cb.base}/cb`, FORM, policy(['127.0.0.1'])), refused('blocked_address', 'callback host 127.0.0.1 resolves to a loopback or private address (127.0.0.1)'));
  await assert.rejects(postCallback(`http://[::1]:${port}/cb`, FORM, policy(['::1'])), refused('blocked_address'));
  await assert.rejects(postCallback(`http://localhost:${port}/cb`, FORM, policy(['localhost'])), refused('blocked_address'));
  await assert.rejects(postCallback('http://10.0.0.7/cb', FORM, policy(['10.0.0.7'])), refused('blocked_address'));
  await assert.rejects(postCallback('http://169.254.169.254/latest/meta-data', FORM, policy(['169.254.169.254'])), refused('blocked_address'));
  // Every resolved address is checked, not just the first.
  const mixed = async () => ['93.184.216.34', '192.168.1.5'];
  await assert.rejects(postCallback('https://hooks.example.com/cb', FORM, policy(['hooks.example.com'], mixed)), refused('blocked_address', 'callback host hooks.example.com resolves to a loopback or private address (192.168.1.5)'));
  await assert.rejects(postCallback('https://elsewhere.example.net/cb', FORM, policy(['hooks.example.com'])), refused('host_not_allowed', 'callback host elsewhere.example.net is not in magento.integrations.callbackAllowlist'));
  await assert.rejects(postCallback('https://no-such-host.invalid/cb', FORM, policy(['no-such-host.invalid'])), refused('unresolvable'));
  assert.equal(cb.hits.size, 0, 'nothing reached the local server');
});

test('the connection goes to the checked address: a second DNS answer cannot rebind it', async (t) => {
  const cb = await startCallbackServer();
  t.after(() => cb.close());
  const port = new URL(cb.base).port;
  let lookups = 0;
  // First answer (checked) is our loopback server; any later lookup would say something else.
  const resolve = async () => (++lookups === 1 ? ['127.0.0.1'] : ['203.0.113.9']);
  await postCallback(`http://rebind.test:${port}/cb`, { a: '1' }, { allowlist: ['rebind.test'], allowPrivate: true, timeoutMs: 2000, resolve });
  assert.equal(lookups, 1);
  assert.deepEqual(cb.posts, [{ path: '/cb', form: { a: '1' } }]);
});

test('redirects are not followed; slow endpoints time out; errors statuses fail', async (t) => {
  const cb = await startCallbackServer({
    '/redirect': (_req, res) => { res.writeHead(307, { location: '/target' }).end(); },
    '/slow': () => { /* never answers */ },
    '/broken': (_req, res) => { res.writeHead(500).end(); },
  });
  t.after(() => cb.close());
  const policy: CallbackPolicy = { allowlist: ['127.0.0.1'], allowPrivate: true, timeoutMs: 300 };
  await assert.rejects(postCallback(`${cb.base}/redirect`, FORM, policy), refused('redirect', 'the callback answered 307 (redirects are not followed)'));
  assert.equal(cb.hits.get('/target'), undefined, 'the redirect target was never requested');
  const started = Date.now();
  await assert.rejects(postCallback(`${cb.base}/slow`, FORM, policy), refused('timeout', 'the callback did not answer within 300 ms'));
  const took = Date.now() - started;
  assert.ok(took >= 250 && took < 2000, `timed out after ${took} ms`);
  await assert.rejects(postCallback(`${cb.base}/broken`, FORM, policy), refused('bad_status', 'the callback answered 500'));
});

test('activation: loopback refused by default; a failed callback leaves the integration inactive', async (t) => {
  const cb = await startCallbackServer({ '/slow': () => { /* never answers */ } });
  const srv = await magentoServer({ adminTotp: false, integrations: { callbackAllowlist: ['127.0.0.1'], callbackTimeoutMs: 300 } });
  t.after(async () => { await srv.close(); await cb.close(); });
  const m = magentoAuth(srv.rt);
  const i = await m.integrations.create({ name: 'Local', callbackUrl: `${cb.base}/cb`, resources: 'all' });
  await assert.rejects(m.integrations.activate(i.id), (e: unknown) => (e as { code?: string }).code === 'callback_failed' && (e as Error).message === 'callback host 127.0.0.1 resolves to a loopback or private address (127.0.0.1)');
  assert.equal((await m.integrations.find(i.id)).status, 'inactive');
  assert.equal((await m.integrations.find(i.id)).verifier_hash, null, 'no verifier is left behind');
  assert.equal(cb.posts.length, 0);
  await srv.rt.audit.flush();
  const events = await srv.rt.repos.auditEvents.query({ action: 'magento.integration.activation_failed' });
  assert.equal(events.length, 1);
  assert.deepEqual(JSON.parse(events[0]!.detail!), { integration: i.id, name: 'Local', reason: 'blocked_address' });
});
