import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ManualClock } from '../../../src/platform/clock.ts';
import { Browser, PASSWORD, hidden, startPeopleServer } from './people-server.ts';

const COOKIE = 'deputy_session';

test('sign-in: cookie flags, CSRF, generic failures, rotation, timeouts, logout', async (t) => {
  const clock = new ManualClock(Date.now());
  const srv = await startPeopleServer({ clock, config: { users: { session: { idleTimeout: 600, absoluteTimeout: 3600 } } } });
  t.after(() => srv.close());

  await t.test('login page: strict headers, HttpOnly SameSite=Lax cookie, no Secure over http', async () => {
    const b = new Browser(srv.issuer);
    const page = await b.get('/login');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(page.text, /<script/i, 'no script at all');
    const [cookie] = page.headers.getSetCookie();
    assert.match(cookie!, new RegExp(`^${COOKIE}=[\\w-]{43}; Path=/; HttpOnly; SameSite=Lax$`));
    const css = await b.get('/ui/style.css');
    assert.equal(css.status, 200);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  });

  await t.test('CSRF: a login post without the token, or with another session\'s, is refused', async () => {
    const b = new Browser(srv.issuer);
    const other = new Browser(srv.issuer);
    await b.get('/login');
    const foreign = hidden((await other.get('/login')).text, 'csrf');
    for (const csrf of [undefined, foreign, 'x']) {
      const r = await b.post('/login', { ...(csrf ? { csrf } : {}), username: 'alice@example.com', password: PASSWORD });
      assert.equal(r.status, 403);
      assert.match(r.text, /Your sign-in form expired/);
    }
    const none = new Browser(srv.issuer);
    assert.equal((await none.post('/login', { csrf: foreign, username: 'alice@example.com', password: PASSWORD })).status, 403, 'no session cookie at all');
  });

  await t.test('signed-out visits store nothing; their cookie still carries the login form\'s CSRF token', async () => {
    const count = async () => Number((await sql<{ n: number }>`select count(*) as n from sessions`.execute(srv.rt.store.db)).rows[0]!.n);
    const before = await count();
    for (let i = 0; i < 20; i++) assert.equal((await new Browser(srv.issuer).get('/login')).status, 200);
    assert.equal(await count(), before, 'twenty anonymous visits, no session rows');
    const b = new Browser(srv.issuer);
    const login = await b.get('/login');
    const again = await b.get('/login');
    assert.equal(again.headers.getSetCookie().length, 0, 'the signed-out cookie is kept, not replaced');
    assert.equal(hidden(again.text, 'csrf'), hidden(login.text, 'csrf'));
    const r = await b.post('/login', { csrf: hidden(login.text, 'csrf'), username: 'alice@example.com', password: PASSWORD });
    assert.equal(r.status, 303);
    assert.equal(await count(), before + 1, 'a session row exists once someone signs in');
    const forged = new Browser(srv.issuer);
    forged.cookies.set(COOKIE, 'not-a-token');
    assert.equal((await forged.post('/login', { csrf: hidden(login.text, 'csrf'), username: 'alice@example.com', password: PASSWORD })).status, 403);
  });

  await t.test('wrong password and unknown user get the same generic message; output is escaped', async () => {
    const b = new Browser(srv.issuer);
    const login = await b.get('/login');
    const csrf = hidden(login.text, 'csrf');
    const wrong = await b.post('/login', { csrf, username: 'alice@example.com', password: 'nope' });
    const unknown = await b.post('/login', { csrf, username: '<script>x</script>@example.com', password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.match(wrong.text, /Wrong email or password\./);
    assert.match(unknown.text, /Wrong email or password\./);
    assert.match(unknown.text, /value="&lt;script&gt;x&lt;\/script&gt;@example.com"/);
    assert.doesNotMatch(unknown.text, /<script>/);
  });

  await t.test('the session id changes at sign-in; the old one is dead; the name is escaped', async () => {
    const b = new Browser(srv.issuer);
    const login = await b.get('/login');
    const before = b.cookies.get(COOKIE)!;
    const r = await b.post('/login', { csrf: hidden(login.text, 'csrf'), username: 'ALICE@example.com', password: PASSWORD });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/account/agents');
    const after = b.cookies.get(COOKIE)!;
    assert.notEqual(after, before);
    const agents = await b.get('/account/agents');
    assert.equal(agents.status, 200);
    assert.match(agents.text, /Alice &lt;b&gt;Martin&lt;\/b&gt;/);
    const stale = new Browser(srv.issuer);
    stale.cookies.set(COOKIE, before);
    assert.equal((await stale.get('/account/agents')).location, '/login');
    assert.equal((await b.get('/login')).location, '/account/agents', 'signed in: /login goes home');
  });

  await t.test('idle timeout, then absolute timeout', async () => {
    const b = new Browser(srv.issuer);
    const login = await b.get('/login');
    await b.post('/login', { csrf: hidden(login.text, 'csrf'), username: 'alice@example.com', password: PASSWORD });
    clock.advance(590_000);
    assert.equal((await b.get('/account/agents')).status, 200, 'activity within the idle window');
    clock.advance(590_000);
    assert.equal((await b.get('/account/agents')).status, 200, 'activity keeps it alive');
    clock.advance(601_000);
    assert.equal((await b.get('/account/agents')).location, '/login', 'idle too long');
    const login2 = await b.get('/login');
    await b.post('/login', { csrf: hidden(login2.text, 'csrf'), username: 'alice@example.com', password: PASSWORD });
    for (let i = 0; i < 7; i++) { clock.advance(550_000); await b.get('/account/agents'); }
    assert.equal((await b.get('/account/agents')).location, '/login', 'past the absolute lifetime despite activity');
  });

  await t.test('logout needs CSRF, ends the session and clears the cookie', async () => {
    const b = new Browser(srv.issuer);
    const login = await b.get('/login');
    await b.post('/login', { csrf: hidden(login.text, 'csrf'), username: 'alice@example.com', password: PASSWORD });
    const page = await b.get('/account/agents');
    assert.equal((await b.post('/logout', { csrf: 'forged' })).status, 403);
    assert.equal((await b.get('/account/agents')).status, 200);
    const out = await b.post('/logout', { csrf: hidden(page.text, 'csrf') });
    assert.equal(out.status, 303);
    assert.equal(out.location, '/login');
    assert.match(out.headers.getSetCookie()[0]!, new RegExp(`^${COOKIE}=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$`));
    assert.equal(b.cookies.has(COOKIE), false);
  });
});

test('lockout: 10 failures per customer account, 6 per admin, per IP; even the right password is refused', async (t) => {
  const srv = await startPeopleServer({ config: { users: { lockout: { ip: { maxFailures: 100, window: 600 } } } } });
  t.after(() => srv.close());
  const b = new Browser(srv.issuer);
  const csrf = hidden((await b.get('/login')).text, 'csrf');
  const attempt = (username: string, password: string) => b.post('/login', { csrf, username, password });
  for (let i = 0; i < 10; i++) assert.equal((await attempt('alice@example.com', 'wrong')).status, 401);
  const locked = await attempt('alice@example.com', PASSWORD);
  assert.equal(locked.status, 429);
  assert.match(locked.text, /Too many failed sign-in attempts/);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  for (let i = 0; i < 6; i++) assert.equal((await attempt('root@example.com', 'wrong')).status, 401);
  assert.equal((await attempt('root@example.com', 'admin-password')).status, 429, 'admins lock after 6');
  const events = await srv.rt.audit.flush().then(() => srv.rt.repos.auditEvents.query({ limit: 100 }));
  assert.ok(events.some((e) => e.action === 'user.login' && e.outcome === 'deny' && e.reason === 'locked_out'));
  assert.ok(events.every((e) => !String(e.detail).includes('wrong')), 'no password in the audit log');
});

test('lockout per IP across accounts', async (t) => {
  const srv = await startPeopleServer({ config: { users: { lockout: { ip: { maxFailures: 3, window: 600 } } } } });
  t.after(() => srv.close());
  const b = new Browser(srv.issuer);
  const csrf = hidden((await b.get('/login')).text, 'csrf');
  for (const u of ['a@example.com', 'b@example.com', 'c@example.com']) assert.equal((await b.post('/login', { csrf, username: u, password: 'x' })).status, 401);
  assert.equal((await b.post('/login', { csrf, username: 'alice@example.com', password: PASSWORD })).status, 429);
});

test('over https the session cookie is __Host- prefixed and Secure', async (t) => {
  const srv = await startPeopleServer({ config: { issuer: 'https://auth.example' } });
  t.after(() => srv.close());
  const res = await srv.app.inject({ method: 'GET', url: '/login' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['set-cookie']), /^__Host-deputy_session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
});

test('malformed input to every people route is a 4xx page, never a 500', async (t) => {
  const srv = await startPeopleServer();
  t.after(() => srv.close());
  const long = 'x'.repeat(5000);
  const cases: Array<{ method: 'GET' | 'POST'; url: string; payload?: string; headers?: Record<string, string> }> = [
    { method: 'POST', url: '/login', payload: '{"username":"a"}', headers: { 'content-type': 'application/json' } },
    { method: 'POST', url: '/login', payload: 'csrf=a&csrf=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { method: 'POST', url: '/login', payload: '%%%', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { method: 'GET', url: `/interaction/${long}` },
    { method: 'GET', url: '/interaction/%00' },
    { method: 'POST', url: '/interaction/abc', payload: 'decision=allow', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { method: 'GET', url: `/authorize?client_id=${long}` },
    { method: 'GET', url: '/authorize?client_id=%ZZ' },
    { method: 'POST', url: '/authorize', payload: 'x', headers: { 'content-type': 'text/plain' } },
    { method: 'GET', url: `/authorize?client_id=${srv.agent.clientId}&request_uri=urn:ietf:params:oauth:request_uri:nope` },
    { method: 'POST', url: '/account/agents/x/revoke' },
    { method: 'POST', url: '/admin/grants/x/revoke', payload: 'csrf=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { method: 'POST', url: '/par', payload: 'response_type=code', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ];
  for (const c of cases) {
    const res = await srv.app.inject({ method: c.method, url: c.url, ...(c.payload !== undefined ? { payload: c.payload } : {}), ...(c.headers ? { headers: c.headers } : {}) });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${c.method} ${c.url.slice(0, 60)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    assert.doesNotMatch(res.body, /at .*\.ts:\d+/, 'no stack trace');
  }
});
