import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as oauth from 'oauth4webapi';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startAuthServer } from '../helpers/auth-server.ts';
import { postForm } from '../helpers/http.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

test('private_key_jwt: oauth4webapi with inline jwks and with jwks_uri; replays and bad assertions refused', async (t) => {
  const srv = await startAuthServer();
  t.after(() => srv.close());
  const options = { [oauth.allowInsecureRequests]: true } as const;
  const issuer = new URL(srv.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oauth2' }));

  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'agent-key-1', alg: 'ES256', use: 'sig' };
  const { client: inline } = await srv.services.clients.create({ client_name: 'keyed agent', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } }, { createdBy: 'cli' });

  await t.test('inline jwks: token, then introspection and revocation authenticate the same way', async () => {
    const client: oauth.Client = { client_id: inline.clientId };
    const auth = oauth.PrivateKeyJwt({ key: privateKey, kid: 'agent-key-1' });
    const res = await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams({ scope: 'catalog:read' }), options);
    const tokens = await oauth.processClientCredentialsResponse(as, client, res);
    assert.equal(tokens.scope, 'catalog:read');
    const intro = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, options));
    assert.equal(intro.active, true);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.access_token, options));
  });

  const assertion = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT({ jti: crypto.randomUUID(), ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'agent-key-1', ...header })
      .setIssuer(inline.clientId).setSubject(inline.clientId).setAudience(srv.issuer).setIssuedAt(Math.floor(srv.clock.now() / 1000))
      .setExpirationTime(Math.floor(srv.clock.now() / 1000) + 60).sign(privateKey);
  const tokenWith = (a: string) => postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: a });

  await t.test('a replayed assertion is refused', async () => {
    const a = await assertion({});
    assert.equal((await tokenWith(a)).status, 200);
    const again = await tokenWith(a);
    assert.equal(again.status, 401);
    assert.equal(again.json.error, 'invalid_client');
    assert.match(again.json.error_description, /already been used/);
  });

  await t.test('wrong audience, expired, too long-lived, missing jti, other key, wrong type: all invalid_client', async () => {
    const now = Math.floor(srv.clock.now() / 1000);
    const other = await generateKeyPair('ES256');
    const cases: Array<[string, Promise<string>]> = [
      ['audience', new SignJWT({ jti: 'a1' }).setProtectedHeader({ alg: 'ES256', kid: 'agent-key-1' }).setIssuer(inline.clientId).setSubject(inline.clientId).setAudience('https://other-as.example').setExpirationTime(now + 60).sign(privateKey)],
      ['expired', new SignJWT({ jti: 'a2' }).setProtectedHeader({ alg: 'ES256', kid: 'agent-key-1' }).setIssuer(inline.clientId).setSubject(inline.clientId).setAudience(srv.issuer).setIssuedAt(now - 600).setExpirationTime(now - 300).sign(privateKey)],
      ['lifetime', new SignJWT({ jti: 'a3' }).setProtectedHeader({ alg: 'ES256', kid: 'agent-key-1' }).setIssuer(inline.clientId).setSubject(inline.clientId).setAudience(srv.issuer).setIssuedAt(now).setExpirationTime(now + 3600).sign(privateKey)],
      ['no jti', new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'agent-key-1' }).setIssuer(inline.clientId).setSubject(inline.clientId).setAudience(srv.issuer).setExpirationTime(now + 60).sign(privateKey)],
      ['other key', new SignJWT({ jti: 'a5' }).setProtectedHeader({ alg: 'ES256', kid: 'agent-key-1' }).setIssuer(inline.clientId).setSubject(inline.clientId).setAudience(srv.issuer).setExpirationTime(now + 60).sign(other.privateKey)],
      ['alg none', Promise.resolve(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: inline.clientId, sub: inline.clientId, aud: srv.issuer, exp: now + 60, jti: 'a6' })).toString('base64url')}.`)],
    ];
    for (const [name, p] of cases) {
      const res = await tokenWith(await p);
      assert.equal(res.status, 401, `${name}: ${res.text}`);
      assert.equal(res.json.error, 'invalid_client', name);
    }
    const wrongType = await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials', client_assertion_type: 'urn:x', client_assertion: await assertion({}) });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.json.error, 'invalid_request');
  });

  await t.test('jwks_uri: keys fetched with a timeout and size limit', async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const pub = { ...(await exportJWK(keys.publicKey)), kid: 'remote-1', alg: 'ES256' };
    let mode: 'ok' | 'huge' | 'slow' = 'ok';
    const jwksServer = createServer((_req, res) => {
      if (mode === 'slow') return; // never answers
      res.setHeader('content-type', 'application/json');
      res.end(mode === 'huge' ? JSON.stringify({ keys: [pub], pad: 'x'.repeat(200_000) }) : JSON.stringify({ keys: [pub] }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    t.after(() => { jwksServer.closeAllConnections(); jwksServer.close(); });
    const url = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks`;
    const make = async (path = '') => (await srv.services.clients.create({ client_name: 'remote', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: url + path }, { createdBy: 'cli' })).client;
    const remote = await make();
    const client: oauth.Client = { client_id: remote.clientId };
    const auth = oauth.PrivateKeyJwt({ key: keys.privateKey, kid: 'remote-1' });
    const tokens = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), options));
    assert.ok(tokens.access_token);

    mode = 'huge';
    const big = await make('?huge');
    const bigRes = await oauth.clientCredentialsGrantRequest(as, { client_id: big.clientId }, auth, new URLSearchParams(), options);
    assert.equal(bigRes.status, 401);
    mode = 'slow';
    const slow = await make('?slow');
    const started = Date.now();
    const slowRes = await oauth.clientCredentialsGrantRequest(as, { client_id: slow.clientId }, auth, new URLSearchParams(), options);
    assert.equal(slowRes.status, 401);
    assert.ok(Date.now() - started < 10_000);
  });
});
