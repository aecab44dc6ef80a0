import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, send } from '../../helpers/http.ts';
import { claimsOf, magentoAuth, magentoServer, PASSWORD } from './helpers.ts';
import { validateConfig } from '../../../src/config/schema.ts';
import { magentoConfig } from '../../../src/magento/token-services/magento-config.ts';
import { ConfigError } from '../../../src/platform/errors.ts';
import { RevocationFeed } from '../../../src/gateway/revocation-feed.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import type { DeputyEvent } from '../../../src/platform/event-bus.ts';

const SIGN_IN_FAILED = { message: 'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.', parameters: [] };

test('customer token: a bare JWT string with the customer claims, 1 h, signed with Deputy keys', async (t) => {
  const srv = await magentoServer({ adminTotp: false });
  t.after(() => srv.close());
  const r = await postJson(`${srv.issuer}/rest/V1/integration/customer/token`, { username: 'Carol@Example.com', password: PASSWORD });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(typeof r.json, 'string');
  assert.equal(r.text, JSON.stringify(r.json));
  const { header, payload } = claimsOf(r.json);
  assert.equal(header.typ, 'at+jwt');
  assert.ok(srv.rt.keys.verify(r.json), 'verifies with the published keys');
  const now = Math.floor(srv.clock.now() / 1000);
  assert.deepEqual({ ...payload, jti: typeof payload.jti }, {
    iss: srv.issuer, sub: srv.customerId, aud: 'http://localhost:8080/rest', iat: now, nbf: now, exp: now + 3600, jti: 'string',
    client_id: 'magento-customer-token', token_kind: 'magento_customer', user_type: 'customer', scope: '', customer_id: srv.customerId,
  });
  const store = await postJson(`${srv.issuer}/rest/default/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD });
  assert.equal(store.status, 200, 'the /rest/<store>/V1 form works too');
});

test('admin token without 2FA: configured TTL, acl from the admin role (default: everything)', async (t) => {
  const srv = await magentoServer({ adminTotp: false, tokens: { adminTtl: 7200 } });
  t.after(() => srv.close());
  const r = await postJson(`${srv.issuer}/rest/V1/integration/admin/token`, { username: 'root', password: PASSWORD });
  assert.equal(r.status, 200);
  const { payload } = claimsOf(r.json);
  assert.equal(payload.exp as number - (payload.iat as number), 7200);
  assert.equal(payload.user_type, 'admin');
  assert.equal(payload.token_kind, 'magento_admin');
  assert.equal(payload.customer_id, undefined);
  const m = magentoAuth(srv.rt);
  assert.deepEqual(payload.acl, m.acl.ids());
  await m.admins.upsert(srv.adminId, { role: 'Sales Clerks' }, 0);
  const clerk = claimsOf((await postJson(`${srv.issuer}/rest/V1/integration/admin/token`, { username: 'root', password: PASSWORD })).json).payload;
  assert.deepEqual(clerk.acl, ['Magento_Sales::actions_view', 'Magento_Customer::view']);
});

test('wrong password, wrong user type, unknown user: 401 with Magento’s message', async (t) => {
  const srv = await magentoServer({ adminTotp: false });
  t.after(() => srv.close());
  for (const [path, body] of [
    ['customer', { username: 'carol@example.com', password: 'wrong password' }],
    ['customer', { username: 'root', password: PASSWORD }],
    ['admin', { username: 'carol@example.com', password: PASSWORD }],
    ['admin', { username: 'nobody', password: PASSWORD }],
  ] as const) {
    const r = await postJson(`${srv.issuer}/rest/V1/integration/${path}/token`, body);
    assert.equal(r.status, 401, `${path} ${body.username}`);
    assert.deepEqual(r.json, SIGN_IN_FAILED);
  }
});

test('bad input: Magento input exceptions, decoding error, wrong media type', async (t) => {
  const srv = await magentoServer({ adminTotp: false });
  t.after(() => srv.close());
  const url = `${srv.issuer}/rest/V1/integration/customer/token`;
  const one = await postJson(url, { username: 'carol@example.com' });
  assert.equal(one.status, 400);
  assert.deepEqual(one.json, { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'password' } });
  const both = await postJson(url, { username: 7 });
  assert.equal(both.status, 400);
  assert.deepEqual(both.json, { message: 'One or more input exceptions have occurred.', parameters: [], errors: [
    { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'username' } },
    { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'password' } },
  ] });
  const bad = await send(url, { method: 'POST', body: '{"username":', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json, { message: 'Decoding error: %1', parameters: ['the request body is not valid JSON'] });
  const form = await send(url, { method: 'POST', body: 'username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.status, 415);
  assert.deepEqual(form.json, { message: 'The content type is not supported. Send application/json.', parameters: [] });
});

test('lockout: 6 failures lock (username, type) for 30 minutes, even with the right password', async (t) => {
  const srv = await magentoServer({ adminTotp: false });
  t.after(() => srv.close());
  const url = `${srv.issuer}/rest/V1/integration/customer/token`;
  for (let i = 0; i < 5; i++) assert.equal((await postJson(url, { username: 'carol@example.com', password: `wrong ${i}` })).status, 401);
  assert.equal((await postJson(url, { username: 'carol@example.com', password: PASSWORD })).status, 200, 'five failures do not lock, success resets');
  for (let i = 0; i < 6; i++) assert.equal((await postJson(url, { username: 'carol@example.com', password: `wrong ${i}` })).status, 401);
  const locked = await postJson(url, { username: 'CAROL@example.com', password: PASSWORD });
  assert.equal(locked.status, 401);
  assert.deepEqual(locked.json, SIGN_IN_FAILED);
  // Another user type under the same name is a different lock.
  const admin = await postJson(`${srv.issuer}/rest/V1/integration/admin/token`, { username: 'root', password: PASSWORD });
  assert.equal(admin.status, 200);
  srv.clock.advance(29 * 60 * 1000);
  assert.equal((await postJson(url, { username: 'carol@example.com', password: PASSWORD })).status, 401, 'still locked after 29 minutes');
  srv.clock.advance(60 * 1000 + 1000);
  assert.equal((await postJson(url, { username: 'carol@example.com', password: PASSWORD })).status, 200, 'unlocked after 30 minutes');
  const refused = await srv.rt.repos.auditEvents.query({ action: 'magento.token.refused' });
  assert.ok(refused.some((e) => e.reason === 'locked'));
});

test('revoking a user’s tokens: a subject revocation with before = now, published on the bus', async (t) => {
  const srv = await magentoServer({ adminTotp: false });
  t.after(() => srv.close());
  const events: DeputyEvent[] = [];
  srv.rt.bus.subscribe((e) => events.push(e));
  const token = (await postJson(`${srv.issuer}/rest/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD })).json;
  const { payload } = claimsOf(token);
  srv.clock.advance(2000);
  const m = magentoAuth(srv.rt);
  const user = (await m.users.find(srv.customerId))!;
  const { before, exp } = await m.tokens.revokeUserTokens(user);
  const now = Math.floor(srv.clock.now() / 1000);
  assert.equal(before, now);
  assert.equal(exp, now + 4 * 3600);
  assert.deepEqual(events, [{ type: 'subject.revoked', sub: srv.customerId, before: now, exp }]);
  const rows = await srv.rt.repos.revocations.since(0, now);
  assert.deepEqual(rows.map((r) => [r.kind, r.value, r.created_at]), [['subject', srv.customerId, now]]);
  // The gateway's feed, fed from the store, refuses the old token and accepts a newer one.
  const feed = new RevocationFeed({ bus: srv.rt.bus, repo: srv.rt.repos.revocations, log: silentLogger(), pollInterval: 3600, now: () => Math.floor(srv.clock.now() / 1000) });
  await feed.poll();
  assert.equal(feed.check({ sub: srv.customerId, iat: payload.iat as number }), 'subject_revoked');
  srv.clock.advance(1000);
  const fresh = claimsOf((await postJson(`${srv.issuer}/rest/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD })).json).payload;
  assert.equal(feed.check({ sub: srv.customerId, iat: fresh.iat as number }), undefined);
});

test('config: magento.* keys are validated with their exact path', () => {
  const cfg = (magento: unknown) => magentoConfig(validateConfig({ magento }));
  const err = (magento: unknown) => { try { cfg(magento); } catch (e) { assert.ok(e instanceof ConfigError); return e.message; } assert.fail('no error'); };
  assert.equal(err({ tokens: { customerTtl: 5 } }), 'config: magento.tokens.customerTtl: must be between 60 and 14400, got 5');
  assert.equal(err({ tokens: { adminTtl: 5 * 3600 } }), 'config: magento.tokens.adminTtl: must be between 60 and 14400, got 18000');
  assert.equal(err({ tokenz: {} }), 'config: magento.tokenz: unknown key (expected one of: tokens, adminTotp, totpIssuer, aclFile, defaultAdminRole, integrations, oauth1)');
  assert.equal(err({ adminTotp: 'yes' }), 'config: magento.adminTotp: expected true or false, got "yes"');
  assert.equal(err({ integrations: { callbackAllowlist: ['http://x'] } }), 'config: magento.integrations.callbackAllowlist[0]: expected a host name, "*.suffix" or an IP address, got "http://x"');
  const d = cfg(undefined);
  assert.deepEqual(d.tokens, { customerTtl: 3600, adminTtl: 14400, audience: 'http://localhost:8080/rest', maxFailures: 6, lockoutDuration: 1800 });
  assert.equal(d.adminTotp, true);
  assert.equal(d.integrations.bearerAccessTokens, false);
  assert.equal(d.oauth1.allowHmacSha1, false);
});
