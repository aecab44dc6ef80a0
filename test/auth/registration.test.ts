import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '../../src/crypto/hash.ts';
import { startAuthServer } from '../helpers/auth-server.ts';
import { basic, postForm, postJson, send } from '../helpers/http.ts';

async function initialToken(srv: Awaited<ReturnType<typeof startAuthServer>>, uses: number | null = 1): Promise<string> {
  const token = `dit_test_${crypto.randomUUID()}`;
  const now = Math.floor(srv.clock.now() / 1000);
  await srv.rt.repos.initialAccessTokens.insert(sha256(token), now, now + 3600, uses, null);
  return token;
}

test('dynamic client registration (RFC 7591) and management (RFC 7592)', async (t) => {
  const srv = await startAuthServer();
  t.after(() => srv.close());
  const register = `${srv.issuer}/register`;
  const agent = { client_name: 'Shopping agent', grant_types: ['client_credentials'], scope: 'catalog:read', token_endpoint_auth_method: 'client_secret_basic' };

  await t.test('an initial access token is required by default', async () => {
    const res = await postJson(register, agent);
    assert.equal(res.status, 401);
    assert.equal(res.json.error, 'invalid_token');
    assert.match(res.headers.get('www-authenticate')!, /^Bearer error="invalid_token"/);
    const bad = await postJson(register, agent, { authorization: 'Bearer dit_wrong' });
    assert.equal(bad.status, 401);
  });

  let registered: Record<string, any>; // any: a JSON body we index into
  await t.test('registration with an initial access token returns the client and its secret once', async () => {
    const iat = await initialToken(srv);
    const res = await postJson(register, agent, { authorization: `Bearer ${iat}` });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    registered = res.json;
    assert.match(registered.client_id, /^agt_/);
    assert.match(registered.client_secret, /^dps_/);
    assert.equal(registered.client_secret_expires_at, 0);
    assert.equal(registered.registration_client_uri, `${register}/${registered.client_id}`);
    assert.deepEqual(registered.grant_types, ['client_credentials']);
    assert.equal(registered.scope, 'catalog:read');
    const token = await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(registered.client_id, registered.client_secret) });
    assert.equal(token.status, 200);
    const reuse = await postJson(register, agent, { authorization: `Bearer ${iat}` });
    assert.equal(reuse.status, 401, 'a single-use initial access token cannot register twice');
  });

  await t.test('invalid metadata is refused with the RFC 7591 error codes', async () => {
    const iat = await initialToken(srv, null);
    const auth = { authorization: `Bearer ${iat}` };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ redirect_uris: ['http://agent.example/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://agent.example/cb#frag'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
      [{ grant_types: ['authorization_code'] }, 'invalid_redirect_uri'],
      [{ grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'invalid_client_metadata'],
      [{ grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
      [{ grant_types: ['password'] }, 'invalid_client_metadata'],
      [{ scope: 'catalog:read admin:everything' }, 'invalid_client_metadata'],
      [{ grant_types: ['client_credentials'], jwks: { keys: [{ kty: 'EC', d: 'secret' }] }, token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
      [{ application_type: 'desktop' }, 'invalid_client_metadata'],
      [{ unknown_field: 1 }, 'invalid_client_metadata'],
    ];
    for (const [body, error] of cases) {
      const res = await postJson(register, body, auth);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error, error, JSON.stringify(body));
    }
    const native = await postJson(register, { application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/callback', 'com.example.agent:/cb'] }, auth);
    assert.equal(native.status, 201, native.text);
    assert.equal(native.json.client_secret, undefined);
    const notJson = await send(register, { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json', ...auth } });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.error, 'invalid_request');
  });

  await t.test('RFC 7592: read, update and delete with the registration access token', async () => {
    const uri = registered.registration_client_uri as string;
    const rat = { authorization: `Bearer ${registered.registration_access_token}` };
    const read = await send(uri, { headers: rat });
    assert.equal(read.status, 200);
    assert.equal(read.json.client_id, registered.client_id);
    assert.equal(read.json.client_secret, undefined, 'the secret is never shown again');
    assert.equal((await send(uri, { headers: { authorization: 'Bearer drt_wrong' } })).status, 401);
    assert.equal((await send(`${register}/agt_someone_else`, { headers: rat })).status, 401);
    const put = await send(uri, { method: 'PUT', headers: { ...rat, 'content-type': 'application/json' }, body: JSON.stringify({ ...agent, client_id: registered.client_id, client_name: 'Renamed agent', scope: 'catalog:read cart:write' }) });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.client_name, 'Renamed agent');
    const token = await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials', scope: 'cart:write' }, { authorization: basic(registered.client_id, registered.client_secret) });
    assert.equal(token.status, 200);
    const del = await send(uri, { method: 'DELETE', headers: rat });
    assert.equal(del.status, 204);
    const gone = await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(registered.client_id, registered.client_secret) });
    assert.equal(gone.status, 401);
    assert.equal((await send(uri, { headers: rat })).status, 401);
  });
});

test('open registration of public clients can be switched on; confidential ones still need a token', async (t) => {
  const srv = await startAuthServer({ config: { auth: { registration: { openPublicClients: true } } } });
  t.after(() => srv.close());
  const pub = await postJson(`${srv.issuer}/register`, { token_endpoint_auth_method: 'none', redirect_uris: ['https://agent.example/cb'] });
  assert.equal(pub.status, 201, pub.text);
  const conf = await postJson(`${srv.issuer}/register`, { grant_types: ['client_credentials'] });
  assert.equal(conf.status, 401);
});

test('registration can be switched off: no route and no metadata entry', async (t) => {
  const srv = await startAuthServer({ config: { auth: { registration: { enabled: false } } } });
  t.after(() => srv.close());
  assert.equal((await postJson(`${srv.issuer}/register`, {})).status, 404);
  const md = await send(`${srv.issuer}/.well-known/oauth-authorization-server`);
  assert.equal(md.json.registration_endpoint, undefined);
});
