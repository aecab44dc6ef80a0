import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startAuthServer } from '../helpers/auth-server.ts';

test('client_credentials through oauth4webapi, verified against the JWKS with jose', async (t) => {
  const srv = await startAuthServer();
  t.after(() => srv.close());
  const { client: created, clientSecret } = await srv.services.clients.create({ client_name: 'Shopping agent', grant_types: ['client_credentials'], scope: 'catalog:read cart:write' }, { createdBy: 'cli' });
  const issuer = new URL(srv.issuer);
  const options = { [oauth.allowInsecureRequests]: true } as const;
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oauth2' }));
  assert.equal(as.token_endpoint, `${srv.issuer}/token`);
  assert.deepEqual(as.code_challenge_methods_supported, ['S256']);

  const client: oauth.Client = { client_id: created.clientId };
  const auth = oauth.ClientSecretBasic(clientSecret!);
  const params = new URLSearchParams({ scope: 'catalog:read', resource: 'http://localhost:8080/rest' });
  const res = await oauth.clientCredentialsGrantRequest(as, client, auth, params, options);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const tokens = await oauth.processClientCredentialsResponse(as, client, res);
  assert.equal(tokens.token_type, 'bearer');
  assert.equal(tokens.scope, 'catalog:read');
  assert.equal(tokens.expires_in, 300);

  const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)), {
    issuer: srv.issuer, audience: 'http://localhost:8080/rest', typ: 'at+jwt', currentDate: new Date(srv.clock.now()),
  });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(payload.sub, created.clientId);
  assert.equal(payload.client_id, created.clientId);
  assert.equal(payload.scope, 'catalog:read');
  assert.equal(payload.exp! - payload.iat!, 300);
  assert.ok(typeof payload.jti === 'string' && payload.jti.length >= 20);

  // Introspection and revocation through the same independent client.
  const intro = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, options));
  assert.equal(intro.active, true);
  assert.equal(intro.sub, created.clientId);
  const rev = await oauth.revocationRequest(as, client, auth, tokens.access_token, options);
  await oauth.processRevocationResponse(rev);
  const after = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access_token, options));
  assert.deepEqual(after, { active: false });
});
