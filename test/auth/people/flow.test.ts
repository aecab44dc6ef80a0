import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { decodeJwt } from 'jose';
import { Browser, REDIRECT, REST, authorizeInBrowser, signIn, startPeopleServer } from './people-server.ts';

const options = { [oauth.allowInsecureRequests]: true } as const;

test('oauth4webapi: PAR and plain authorize, login + consent, state and iss, token, refresh rotation, revocation', async (t) => {
  const srv = await startPeopleServer();
  t.after(() => srv.close());
  const issuer = new URL(srv.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oauth2' }));
  assert.equal(as.authorization_endpoint, `${srv.issuer}/authorize`);
  assert.equal(as.pushed_authorization_request_endpoint, `${srv.issuer}/par`);
  assert.equal(as.authorization_response_iss_parameter_supported, true);
  assert.deepEqual(as.grant_types_supported, ['client_credentials', 'authorization_code', 'refresh_token']);
  assert.deepEqual(as.response_types_supported, ['code']);
  const client: oauth.Client = { client_id: srv.agent.clientId };
  const auth = oauth.ClientSecretBasic(srv.agent.secret);

  await t.test('plain authorize', async () => {
    const b = new Browser(srv.issuer);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const cb = await authorizeInBrowser(srv, b, { scope: 'catalog:read cart:write offline_access', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', resource: REST });
    assert.equal(cb.origin + cb.pathname, REDIRECT);
    assert.equal(cb.searchParams.get('iss'), srv.issuer);
    const params = oauth.validateAuthResponse(as, client, cb, state);
    assert.throws(() => oauth.validateAuthResponse(as, client, cb, 'other-state'));
    const forged = new URL(cb);
    forged.searchParams.set('iss', 'https://evil.example');
    assert.throws(() => oauth.validateAuthResponse(as, client, forged, state), 'a mix-up (wrong iss) is detected');

    const res = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, options);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, res);
    assert.equal(tokens.scope, 'catalog:read cart:write offline_access');
    assert.equal(tokens.expires_in, 300);
    assert.match(tokens.refresh_token!, /^dpr_[\w-]{43}$/);
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.sub, srv.alice.id);
    assert.equal(claims.client_id, srv.agent.clientId);
    assert.equal(claims.scope, 'catalog:read cart:write offline_access');
    assert.equal(claims.aud, REST);
    assert.equal(typeof claims.grant_id, 'string');

    // Rotation: each refresh returns a new refresh token; the old one is spent.
    const r1 = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, options));
    assert.notEqual(r1.refresh_token, tokens.refresh_token);
    assert.equal(decodeJwt(r1.access_token).grant_id, claims.grant_id);
    const narrowed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, r1.refresh_token!, { ...options, additionalParameters: { scope: 'catalog:read' } }));
    assert.equal(narrowed.scope, 'catalog:read', 'down-scoping on refresh');

    // Revoking the refresh token ends it and the access token issued with it.
    const intro = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, narrowed.refresh_token!, options));
    assert.equal(intro.active, true);
    assert.equal(intro.token_type, 'refresh_token');
    assert.equal(intro.scope, 'catalog:read cart:write offline_access', 'the refresh token keeps the original scope');
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, narrowed.refresh_token!, options));
    const after = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, narrowed.refresh_token!, options));
    assert.deepEqual(after, { active: false });
    const atAfter = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, narrowed.access_token, options));
    assert.deepEqual(atAfter, { active: false });
    await assert.rejects(oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, narrowed.refresh_token!, options)), (e: unknown) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant');
  });

  await t.test('PAR: pushed request, then authorize with request_uri only (consent remembered)', async () => {
    const b = new Browser(srv.issuer);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const par = await oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, auth, {
      response_type: 'code', redirect_uri: REDIRECT, scope: 'catalog:read', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }, options));
    assert.match(par.request_uri, /^urn:ietf:params:oauth:request_uri:[\w-]{43}$/);
    assert.equal(par.expires_in, 90);
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', client.client_id);
    url.searchParams.set('request_uri', par.request_uri);
    // A new browser signs in; the grant from the plain flow covers catalog:read, so no consent page.
    let page = await b.follow(await b.get(url.pathname + url.search));
    assert.match(page.text, /Shopping agent/);
    page = await signIn(b, page);
    assert.ok(page.location, 'already granted: straight back to the agent');
    const cb = new URL(page.location!);
    const params = oauth.validateAuthResponse(as, client, cb, state);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, options));
    assert.equal(tokens.scope, 'catalog:read');
    assert.equal(tokens.refresh_token, undefined, 'no offline_access requested → no refresh token');
    const again = await b.get(url.pathname + url.search);
    assert.equal(again.status, 400, 'a request_uri is single use');
    assert.match(again.text, /expired or was already used/);
  });

  await t.test('public native client: PKCE without a secret, loopback redirect on any port (RFC 8252)', async () => {
    const { client: native } = await srv.services.clients.create({ client_name: 'Desktop agent', application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/callback'], scope: 'catalog:read offline_access' }, { createdBy: 'cli' });
    const pub: oauth.Client = { client_id: native.clientId, token_endpoint_auth_method: 'none' };
    const b = new Browser(srv.issuer);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const redirect = 'http://127.0.0.1:49152/callback';
    const url = new URL(as.authorization_endpoint!);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: native.clientId, redirect_uri: redirect, scope: 'catalog:read offline_access', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) url.searchParams.set(k, v);
    let page = await b.follow(await b.get(url.pathname + url.search));
    page = await signIn(b, page);
    const action = /action="(\/interaction\/[\w-]{43})"/.exec(page.text)![1]!;
    const done = await b.post(action, { csrf: /name="csrf" value="([^"]+)"/.exec(page.text)![1]!, scope: ['catalog:read', 'offline_access'], decision: 'allow' });
    const cb = new URL(done.location!);
    assert.equal(`${cb.origin}${cb.pathname}`, redirect);
    const params = oauth.validateAuthResponse(as, pub, cb, state);
    const tokens = await oauth.processAuthorizationCodeResponse(as, pub, await oauth.authorizationCodeGrantRequest(as, pub, oauth.None(), params, redirect, verifier, options));
    assert.equal(tokens.scope, 'catalog:read offline_access');
    const refreshed = await oauth.processRefreshTokenResponse(as, pub, await oauth.refreshTokenGrantRequest(as, pub, oauth.None(), tokens.refresh_token!, options));
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  });
});
