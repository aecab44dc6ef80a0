import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../../helpers/backends.ts';
import type { DeputyEvent } from '../../../src/platform/event-bus.ts';
import { peopleRepos } from '../../../src/auth/users/people-repos.ts';
import { UserService } from '../../../src/auth/users/user-service.ts';
import { Browser, PASSWORD, authorizeInBrowser, fullFlow, hidden, introspect, pkce, startPeopleServer, tokenRequest, REDIRECT } from './people-server.ts';

for (const backend of await backends()) {
  test(`refresh rotation on ${backend.name}: concurrency, reuse, connected agents, admin`, { skip: backend.skip }, async (t) => {
    const store = await backend.open();
    const srv = await startPeopleServer({ store });
    t.after(async () => { await srv.close(); await store.close(); });
    const events: DeputyEvent[] = [];
    srv.rt.bus.subscribe((e) => events.push(e));

    await t.test('two concurrent refreshes with one token: exactly one succeeds', async () => {
      const tokens = await fullFlow(srv, new Browser(srv.issuer));
      const results = await Promise.all([0, 1].map(() => tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })));
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
      const loser = results.find((r) => r.status === 400)!;
      assert.deepEqual(loser.body, { error: 'invalid_grant', error_description: 'the refresh token is invalid, expired or revoked' });
    });

    await t.test('eight concurrent refreshes: still exactly one success', async () => {
      const tokens = await fullFlow(srv, new Browser(srv.issuer));
      const results = await Promise.all(Array.from({ length: 8 }, () => tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })));
      assert.equal(results.filter((r) => r.status === 200).length, 1);
    });

    await t.test('reuse of a spent refresh token revokes the family and the grant\'s access tokens; grant broken', async () => {
      const t0 = await fullFlow(srv, new Browser(srv.issuer));
      const t1 = (await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: t0.refresh_token as string })).body;
      assert.equal(typeof t1.refresh_token, 'string');
      const grantId = (await introspect(srv, t1.access_token as string)).grant_id as string;
      events.length = 0;
      const reuse = await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: t0.refresh_token as string });
      assert.deepEqual(reuse, { status: 400, body: { error: 'invalid_grant', error_description: 'the refresh token is invalid, expired or revoked' } });
      assert.equal((await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: t1.refresh_token as string })).status, 400, 'the successor is revoked too');
      assert.deepEqual(await introspect(srv, t1.access_token as string), { active: false });
      assert.deepEqual(await introspect(srv, t0.access_token as string), { active: false });
      assert.equal((await peopleRepos(srv.rt).grants.find(grantId))?.status, 'broken');
      assert.ok(events.some((e) => e.type === 'grant.revoked' && e.grantId === grantId));
      assert.deepEqual(events.filter((e) => e.type === 'token.revoked'), [], 'the grant entry covers its access tokens: no per-token revocations on top');
    });

    await t.test('refresh tokens: bound to the client; absolute lifetime; only with offline_access', async () => {
      const tokens = await fullFlow(srv, new Browser(srv.issuer));
      const other = await srv.services.clients.create({ client_name: 'Other', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'catalog:read offline_access' }, { createdBy: 'cli' });
      const stolen = await tokenRequest({ ...srv, agent: { clientId: other.client.clientId, secret: other.clientSecret! } }, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
      assert.equal(stolen.status, 400);
      assert.equal((await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })).status, 200, 'the other client\'s attempt did not spend it');
      const noOffline = await fullFlow(srv, new Browser(srv.issuer), 'catalog:read');
      assert.equal(noOffline.refresh_token, undefined);
      assert.equal(noOffline.scope, 'catalog:read');
      const row = [...(await srv.rt.store.db.selectFrom('refresh_tokens' as never).selectAll().execute() as Array<{ created_at: number; expires_at: number }>)][0]!;
      assert.equal(row.expires_at - row.created_at, 30 * 86_400, 'default absolute lifetime of 30 days');
      const scoped = await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: (await fullFlow(srv, new Browser(srv.issuer))).refresh_token as string, scope: 'checkout' });
      assert.deepEqual(scoped, { status: 400, body: { error: 'invalid_scope', error_description: 'scope not granted: checkout' } });
    });

    await t.test('consent is remembered per (user, client); new scopes prompt for the new ones only', async () => {
      const b = new Browser(srv.issuer);
      const { challenge } = pkce();
      await authorizeInBrowser(srv, b, { scope: 'catalog:read', state: 'a', code_challenge: challenge, code_challenge_method: 'S256' });
      const again = await b.get(`/authorize?response_type=code&client_id=${srv.agent.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=catalog:read%20checkout&state=b&code_challenge=${challenge}&code_challenge_method=S256`);
      const consent = await b.follow(again);
      assert.equal(consent.status, 200);
      assert.deepEqual([...consent.text.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => m[1]), ['checkout'], 'only the new scope is asked');
      assert.match(consent.text, /Already allowed[\s\S]*catalog:read/);
      // CSRF on consent: refused without consuming the request; then the real form works.
      const action = /action="(\/interaction\/[\w-]{43})"/.exec(consent.text)![1]!;
      const mallory = new Browser(srv.issuer);
      const mCsrf = hidden((await mallory.get('/login')).text, 'csrf');
      for (const csrf of [undefined, 'forged', mCsrf]) {
        const r = await b.post(action, { ...(csrf ? { csrf } : {}), scope: 'checkout', decision: 'allow' });
        assert.equal(r.status, 403);
        assert.equal(r.location, undefined);
      }
      const ok = await b.post(action, { csrf: hidden(consent.text, 'csrf'), scope: 'checkout', decision: 'allow' });
      assert.equal(ok.status, 303);
      const cb = new URL(ok.location!);
      assert.equal(cb.searchParams.get('state'), 'b');
      assert.equal(cb.searchParams.get('iss'), srv.issuer);
      assert.match(cb.searchParams.get('code')!, /^[\w-]{43}$/);
      assert.equal((await b.post(action, { csrf: hidden(consent.text, 'csrf'), scope: 'checkout', decision: 'allow' })).status, 400, 'an interaction is answered once');
    });

    await t.test('/account/agents lists grants and revokes them at once (CSRF-protected)', async () => {
      const b = new Browser(srv.issuer);
      const tokens = await fullFlow(srv, b);
      const page = await b.get('/account/agents');
      assert.equal(page.status, 200);
      assert.match(page.text, /Shopping agent/);
      assert.match(page.text, new RegExp(srv.agent.clientId));
      const action = /action="(\/account\/agents\/[^/]+\/revoke)"/.exec(page.text)![1]!;
      const csrf = hidden(page.text, 'csrf');
      // CSRF: no token, a forged one, and another person's valid token are all refused.
      assert.equal((await b.post(action, {})).status, 403);
      assert.equal((await b.post(action, { csrf: 'forged' })).status, 403);
      const mallory = new Browser(srv.issuer);
      const mCsrf = hidden((await mallory.get('/login')).text, 'csrf');
      assert.equal((await b.post(action, { csrf: mCsrf })).status, 403);
      assert.equal((await introspect(srv, tokens.access_token as string)).active, true, 'nothing revoked yet');
      const done = await b.post(action, { csrf });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/account/agents?notice=revoked');
      assert.deepEqual(await introspect(srv, tokens.access_token as string), { active: false });
      assert.equal((await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })).status, 400);
      const after = await b.get('/account/agents?notice=revoked');
      assert.match(after.text, /Access revoked/);
      assert.doesNotMatch(after.text, /Shopping agent/);
      // A grant id that is not this person's: not found.
      assert.equal((await b.post('/account/agents/00000000-0000-0000-0000-000000000000/revoke', { csrf })).status, 404);
    });

    await t.test('/admin: admins only; lists users, clients, grants; revokes', async () => {
      const alice = new Browser(srv.issuer);
      const tokens = await fullFlow(srv, alice);
      assert.equal((await alice.get('/admin')).status, 403);
      assert.equal((await new Browser(srv.issuer).get('/admin')).location, '/login');
      const root = new Browser(srv.issuer);
      const login = await root.get('/login');
      const r = await root.post('/login', { csrf: hidden(login.text, 'csrf'), username: 'root@example.com', password: 'admin-password' });
      assert.equal(r.location, '/admin');
      const page = await root.get('/admin');
      assert.equal(page.status, 200);
      assert.match(page.text, /alice@example.com/);
      assert.match(page.text, /Shopping agent/);
      const grantId = (await introspect(srv, tokens.access_token as string)).grant_id as string;
      const csrf = hidden(page.text, 'csrf');
      assert.equal((await alice.post(`/admin/grants/${grantId}/revoke`, { csrf: hidden((await alice.get('/account/agents')).text, 'csrf') })).status, 403, 'a customer cannot use the admin action');
      assert.equal((await root.post(`/admin/grants/${grantId}/revoke`, { csrf: 'nope' })).status, 403);
      const done = await root.post(`/admin/grants/${grantId}/revoke`, { csrf });
      assert.equal(done.location, '/admin?notice=revoked');
      assert.deepEqual(await introspect(srv, tokens.access_token as string), { active: false });
    });

    await t.test('a disabled person: sessions end, refresh fails', async () => {
      const b = new Browser(srv.issuer);
      const tokens = await fullFlow(srv, b);
      assert.equal((await introspect(srv, tokens.access_token as string)).active, true);
      await new UserService(srv.rt).disable('alice@example.com');
      assert.equal((await b.get('/account/agents')).location, '/login');
      assert.deepEqual(await introspect(srv, tokens.access_token as string), { active: false }, 'a disabled person\'s access tokens are inactive at once');
      assert.equal((await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })).status, 400);
      const login = await b.get('/login');
      assert.equal((await b.post('/login', { csrf: hidden(login.text, 'csrf'), username: 'alice@example.com', password: PASSWORD })).status, 401);
    });
  });
}
