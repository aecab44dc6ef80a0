import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { csrfToken } from '../../../src/auth/session/csrf.ts';
import { peopleRepos } from '../../../src/auth/users/people-repos.ts';
import { sha256 } from '../../../src/crypto/hash.ts';
import { epochSeconds } from '../../../src/platform/clock.ts';
import { request } from 'node:http';
import { denied, startStack, type Stack } from './stack.ts';

// Storefront AJAX: a customer's Deputy session cookie + X-CSRF-Token from a same-origin
// script reaches self routes; no CSRF header, a navigation, another origin, or an admin's
// session leave the caller a guest (401 on self routes).

/** node:http, so the Sec-Fetch-* headers go out exactly as given (fetch sets its own sec-fetch-mode). */
function send(url: string, init: { method?: string; headers: Record<string, string> }): Promise<{ status: number; json: any }> { // any: tests index freely into bodies
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString('utf8'); });
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function signIn(s: Stack, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = epochSeconds(s.srv.rt.clock);
  await peopleRepos(s.srv.rt).sessions.insert({ id_hash: sha256(token), user_id: userId, auth_time: now, created_at: now, last_seen_at: now, expires_at: now + 3600 });
  return token;
}

describe('session authentication at the gateway', () => {
  let s: Stack;
  let cookie: string;
  let good: Record<string, string>;
  before(async () => {
    s = await startStack();
    cookie = await signIn(s, s.srv.customerId);
    good = { cookie: `other=1; deputy_session=${cookie}`, 'x-csrf-token': csrfToken(cookie), origin: s.gwBase, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' };
  });
  after(() => s.close());

  it('a same-origin script with the CSRF header acts as the customer', async () => {
    const cart = await send(`${s.rest}/carts/mine`, { method: 'POST', headers: good });
    assert.equal(cart.status, 200, JSON.stringify(cart.json));
    const me = await send(`${s.gwBase}/V1/customers/me`, { headers: good });
    assert.equal(me.status, 200);
    const id = s.echo.seen.at(-1)!.identity;
    assert.equal(id.user_type, 'customer');
    assert.equal(id.auth_method, 'session');
    assert.equal(id.customer_id, s.srv.customerId);
    assert.equal(s.echo.seen.at(-1)!.headers.cookie, undefined, 'the cookie is not forwarded');
    // A same-origin GET carries no Origin; Sec-Fetch-Site says same-origin.
    const { origin: _o, ...noOrigin } = good;
    assert.equal((await send(`${s.gwBase}/V1/customers/me`, { headers: noOrigin })).status, 200);
  });

  const refused: Array<[string, (h: Record<string, string>) => Record<string, string>]> = [
    ['without the CSRF header', ({ 'x-csrf-token': _x, ...h }) => h],
    ['with a wrong CSRF token', (h) => ({ ...h, 'x-csrf-token': csrfToken('another session') })],
    ['from another origin', (h) => ({ ...h, origin: 'http://evil.example' })],
    ['cross-site per Sec-Fetch-Site', (h) => ({ ...h, 'sec-fetch-site': 'cross-site' })],
    ['same-site but not same-origin', (h) => ({ ...h, 'sec-fetch-site': 'same-site' })],
    ['as a top-level navigation', (h) => ({ ...h, 'sec-fetch-mode': 'navigate' })],
    ['for a document', (h) => ({ ...h, 'sec-fetch-dest': 'document' })],
    ['without Origin or Sec-Fetch-Site', ({ origin: _o, 'sec-fetch-site': _s, ...h }) => h],
    ['with an unknown session', (h) => ({ ...h, cookie: 'deputy_session=unknown', 'x-csrf-token': csrfToken('unknown') })],
  ];
  for (const [name, change] of refused) {
    it(`is refused ${name}`, async () => {
      const r = await send(`${s.rest}/carts/mine`, { method: 'POST', headers: change(good) });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, denied('self'));
    });
  }

  it('never for admins', async () => {
    const admin = await signIn(s, s.srv.adminId);
    const r = await send(`${s.rest}/orders`, { headers: { ...good, cookie: `deputy_session=${admin}`, 'x-csrf-token': csrfToken(admin) } });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, denied('Magento_Sales::actions_view'));
  });

  it('a configured storefront origin is accepted', async () => {
    const cfg = s.config({ session: { origins: ['https://shop.example'] } });
    assert.deepEqual(cfg.session, { enabled: true, origins: ['https://shop.example'] });
    assert.throws(() => s.config({ session: { origins: ['https://shop.example/path'] } }), /gateway\.session\.origins\[0\]: must be an origin only/);
    assert.throws(() => s.config({ session: { enable: true } }), /gateway\.session\.enable: unknown key/);
  });
});
