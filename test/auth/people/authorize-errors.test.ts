import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { ManualClock } from '../../../src/platform/clock.ts';
import { grantService } from '../../../src/auth/consent/grant-service.ts';
import { Browser, REDIRECT, authorizeInBrowser, authorizeUrl, introspect, pkce, startPeopleServer, tokenRequest, type PeopleServer } from './people-server.ts';

function errorRedirect(location: string | undefined): URLSearchParams {
  assert.ok(location, 'expected a redirect');
  const u = new URL(location);
  assert.equal(u.origin + u.pathname, REDIRECT, 'errors go only to the registered redirect URI');
  return u.searchParams;
}

function assertErrorPage(page: { status: number; location: string | undefined; headers: Headers; text: string }, status: number, text: RegExp): void {
  assert.equal(page.status, status);
  assert.equal(page.location, undefined, 'never a redirect');
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  assert.match(page.headers.get('content-security-policy')!, /^default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'/);
  assert.match(page.text, text);
}

test('authorization endpoint: error pages, error redirects with state and iss, PKCE, PAR rules', async (t) => {
  const clock = new ManualClock(Date.now());
  const srv: PeopleServer = await startPeopleServer({ clock });
  t.after(() => srv.close());
  const { challenge, verifier } = pkce();
  const good = { scope: 'catalog:read', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' };

  await t.test('unknown or missing client: an error page, never a redirect', async () => {
    const b = new Browser(srv.issuer);
    assertErrorPage(await b.get(authorizeUrl(srv, { ...good, client_id: 'agt_nope' })), 400, /Unknown agent/);
    assertErrorPage(await b.get(authorizeUrl(srv, { ...good, client_id: undefined })), 400, /client_id is missing/);
    assertErrorPage(await b.get(`${authorizeUrl(srv, good)}&client_id=again`), 400, /repeated/);
  });

  await t.test('redirect URI mismatch and open-redirect attempts: an error page', async () => {
    const b = new Browser(srv.issuer);
    for (const uri of ['https://agent.example/cb2', 'https://evil.example/cb', 'https://agent.example.evil.example/cb', 'https://agent.example/cb?next=https://evil.example',
      'https://agent.example/cb/../evil', 'https://AGENT.example/cb', '//evil.example/cb', 'https://agent.example:443@evil.example/cb', 'javascript:alert(1)']) {
      assertErrorPage(await b.get(authorizeUrl(srv, { ...good, redirect_uri: uri })), 400, /does not match/);
    }
  });

  await t.test('PKCE missing, plain, or malformed: redirect with invalid_request, state and iss', async () => {
    const b = new Browser(srv.issuer);
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ code_challenge: undefined, code_challenge_method: undefined }, 'code_challenge is required (PKCE with S256)'],
      [{ code_challenge_method: 'plain' }, 'code_challenge_method must be S256'],
      [{ code_challenge_method: undefined }, 'code_challenge_method must be S256'],
      [{ code_challenge: 'short' }, 'code_challenge must be a base64url SHA-256 digest'],
    ];
    for (const [over, description] of cases) {
      const page = await b.get(authorizeUrl(srv, { ...good, ...over }));
      assert.equal(page.status, 303);
      const q = errorRedirect(page.location);
      assert.deepEqual(Object.fromEntries(q), { error: 'invalid_request', error_description: description, state: 'st-1', iss: srv.issuer });
    }
  });

  await t.test('other errors redirect with their RFC codes, always with iss', async () => {
    const b = new Browser(srv.issuer);
    const expect = async (over: Record<string, string | undefined>, error: string) => {
      const q = errorRedirect((await b.get(authorizeUrl(srv, { ...good, ...over }))).location);
      assert.equal(q.get('error'), error);
      assert.equal(q.get('iss'), srv.issuer);
      return q;
    };
    await expect({ response_type: 'token' }, 'unsupported_response_type');
    await expect({ response_type: undefined }, 'invalid_request');
    await expect({ scope: 'orders:read' }, 'invalid_scope');
    await expect({ scope: 'catalog:read nonsense' }, 'invalid_scope');
    await expect({ resource: 'https://elsewhere.example/api' }, 'invalid_target');
    await expect({ response_mode: 'fragment' }, 'invalid_request');
    await expect({ request: 'eyJ...' }, 'request_not_supported');
    const q = await expect({ prompt: 'none' }, 'login_required');
    assert.equal(q.get('state'), 'st-1');
    assert.equal((await expect({ prompt: 'select_account' }, 'invalid_request')).get('error_description'), 'prompt must be none, login or consent');
    assert.match((await b.get(authorizeUrl(srv, { ...good, prompt: 'login' }))).location ?? '', /^\/interaction\/[\w-]{43}$/, 'prompt=login is accepted');
    const noState = await expect({ state: undefined, response_type: 'token' }, 'unsupported_response_type');
    assert.equal(noState.has('state'), false);
  });

  await t.test('native clients get loopback port flexibility; web clients do not', async () => {
    const native = await srv.services.clients.create({ client_name: 'CLI agent', application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/callback'], scope: 'catalog:read' }, { createdBy: 'cli' });
    const web = await srv.services.clients.create({ client_name: 'Dev agent', redirect_uris: ['http://127.0.0.1:8123/callback'], scope: 'catalog:read' }, { createdBy: 'cli' });
    const b = new Browser(srv.issuer);
    const ok = await b.get(authorizeUrl(srv, { ...good, client_id: native.client.clientId, redirect_uri: 'http://127.0.0.1:51234/callback' }));
    assert.equal(ok.status, 303);
    assert.match(ok.location!, /^\/interaction\/[\w-]{43}$/);
    assertErrorPage(await b.get(authorizeUrl(srv, { ...good, client_id: native.client.clientId, redirect_uri: 'http://127.0.0.1:51234/other' })), 400, /does not match/);
    assertErrorPage(await b.get(authorizeUrl(srv, { ...good, client_id: native.client.clientId, redirect_uri: 'http://localhost:51234/callback' })), 400, /does not match/);
    assertErrorPage(await b.get(authorizeUrl(srv, { ...good, client_id: web.client.clientId, redirect_uri: 'http://127.0.0.1:9999/callback' })), 400, /does not match/);
  });

  await t.test('a client that requires PAR is refused a plain request; PAR errors are JSON', async () => {
    const { client, clientSecret } = await srv.services.clients.create({ client_name: 'Strict agent', redirect_uris: [REDIRECT], scope: 'catalog:read', require_pushed_authorization_requests: true }, { createdBy: 'cli' });
    const b = new Browser(srv.issuer);
    const q = errorRedirect((await b.get(authorizeUrl(srv, { ...good, client_id: client.clientId }))).location);
    assert.deepEqual(Object.fromEntries(q), { error: 'invalid_request', error_description: 'this client must use pushed authorization requests (PAR)', state: 'st-1', iss: srv.issuer });
    const basic = `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`;
    const par = (body: Record<string, string>, authorization = basic) => fetch(`${srv.issuer}/par`, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    const bad = await par({ response_type: 'code', redirect_uri: REDIRECT, scope: 'catalog:read', code_challenge: challenge, code_challenge_method: 'plain' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await bad.json(), { error: 'invalid_request', error_description: 'code_challenge_method must be S256' });
    const wrongRedirect = await par({ response_type: 'code', redirect_uri: 'https://evil.example/cb', scope: 'catalog:read', code_challenge: challenge, code_challenge_method: 'S256' });
    assert.deepEqual(await wrongRedirect.json(), { error: 'invalid_request', error_description: 'The redirect URI does not match any the agent registered.' });
    const unauth = await par({ response_type: 'code', redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256' }, `Basic ${Buffer.from(`${client.clientId}:wrong`).toString('base64')}`);
    assert.equal(unauth.status, 401);
    assert.equal((await unauth.json() as { error: string }).error, 'invalid_client');
    const ok = await par({ response_type: 'code', redirect_uri: REDIRECT, scope: 'catalog:read', code_challenge: challenge, code_challenge_method: 'S256', state: 'p1' });
    assert.equal(ok.status, 201);
    const { request_uri: requestUri } = await ok.json() as { request_uri: string };
    // Bound to the client that pushed it.
    assertErrorPage(await b.get(`/authorize?client_id=${srv.agent.clientId}&request_uri=${encodeURIComponent(requestUri)}`), 400, /expired or was already used/);
    assertErrorPage(await b.get(`/authorize?client_id=${client.clientId}&request_uri=${encodeURIComponent(requestUri)}`), 400, /expired or was already used/);
    // Expiry.
    const ok2 = await par({ response_type: 'code', redirect_uri: REDIRECT, scope: 'catalog:read', code_challenge: challenge, code_challenge_method: 'S256' });
    const { request_uri: late } = await ok2.json() as { request_uri: string };
    clock.advance(91_000);
    assertErrorPage(await b.get(`/authorize?client_id=${client.clientId}&request_uri=${encodeURIComponent(late)}`), 400, /expired/);
  });

  await t.test('consent: deny and untick-everything both answer access_denied with state and iss', async () => {
    const b = new Browser(srv.issuer);
    const denied = await authorizeInBrowser(srv, b, { ...good, scope: 'checkout' }, { decision: 'deny' });
    assert.deepEqual(Object.fromEntries(denied.searchParams), { error: 'access_denied', error_description: 'the person denied the request', state: 'st-1', iss: srv.issuer });
    const none = await authorizeInBrowser(srv, b, { ...good, scope: 'checkout offline_access' }, { untick: ['checkout'] });
    assert.deepEqual(Object.fromEntries(none.searchParams), { error: 'access_denied', error_description: 'no scope was allowed', state: 'st-1', iss: srv.issuer });
  });

  await t.test('token endpoint: PKCE verifier missing or wrong, redirect mismatch, expired code', async () => {
    const b = new Browser(srv.issuer);
    const codeFor = async () => (await authorizeInBrowser(srv, b, good)).searchParams.get('code')!;
    let code = await codeFor();
    assert.deepEqual(await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }), { status: 400, body: { error: 'invalid_request', error_description: 'code_verifier is required' } });
    assert.deepEqual(await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce().verifier }), { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } });
    assert.deepEqual(await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: 'https://agent.example/other', code_verifier: verifier }), { status: 400, body: { error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request' } });
    assert.equal((await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })).status, 200, 'failed attempts do not spend the code');
    code = await codeFor();
    clock.advance(61_000);
    assert.deepEqual(await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }), { status: 400, body: { error: 'invalid_grant', error_description: 'the authorization code has expired' } });
    const other = await srv.services.clients.create({ client_name: 'Other', redirect_uris: [REDIRECT], scope: 'catalog:read' }, { createdBy: 'cli' });
    code = await codeFor();
    assert.deepEqual(await tokenRequest({ ...srv, agent: { clientId: other.client.clientId, secret: other.clientSecret! } }, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
      { status: 400, body: { error: 'invalid_grant', error_description: 'the authorization code is invalid' } }, 'a code is bound to its client');
  });

  await t.test('resource (RFC 8707) is carried from authorize to the token and its refreshes', async () => {
    const b = new Browser(srv.issuer);
    const mcp = 'http://localhost:8080/mcp';
    const code = (await authorizeInBrowser(srv, b, { ...good, scope: 'catalog:read offline_access', resource: mcp })).searchParams.get('code')!;
    assert.deepEqual(await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, resource: 'http://localhost:8080/rest' }),
      { status: 400, body: { error: 'invalid_target', error_description: 'resource must be the one of the authorization request' } });
    const ok = await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, resource: mcp });
    assert.equal(ok.status, 200);
    assert.equal(decodeJwt(ok.body.access_token as string).aud, mcp);
    const refreshed = await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token as string });
    assert.equal(decodeJwt(refreshed.body.access_token as string).aud, mcp);
    assert.deepEqual(await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token as string, resource: 'http://localhost:8080/rest' }),
      { status: 400, body: { error: 'invalid_target', error_description: 'resource must be the one the grant was made for' } });
  });

  await t.test('a code whose grant was revoked before redemption is refused', async () => {
    const b = new Browser(srv.issuer);
    const code = (await authorizeInBrowser(srv, b, good)).searchParams.get('code')!;
    const grant = await grantService(srv.services).findActive(srv.alice.id, srv.agent.clientId);
    assert.ok(grant);
    await grantService(srv.services).revoke(grant.id);
    assert.deepEqual(await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }), { status: 400, body: { error: 'invalid_grant', error_description: 'the grant behind this code has been revoked' } });
  });

  await t.test('code replay: refused, and the tokens the code issued are revoked', async () => {
    const b = new Browser(srv.issuer);
    const code = (await authorizeInBrowser(srv, b, { ...good, scope: 'catalog:read offline_access' })).searchParams.get('code')!;
    const first = await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.equal(first.status, 200);
    assert.equal((await introspect(srv, first.body.access_token as string)).active, true);
    const replay = await tokenRequest(srv, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.deepEqual(replay, { status: 400, body: { error: 'invalid_grant', error_description: 'the authorization code has already been used' } });
    assert.deepEqual(await introspect(srv, first.body.access_token as string), { active: false });
    assert.deepEqual(await introspect(srv, first.body.refresh_token as string), { active: false });
    assert.equal((await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string })).status, 400);
  });
});
