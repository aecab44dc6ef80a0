import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAuthServer } from '../helpers/auth-server.ts';
import { basic, postForm, send } from '../helpers/http.ts';

const REST = 'http://localhost:8080/rest';

test('token endpoint errors follow RFC 6749 §5.2 exactly', async (t) => {
  const srv = await startAuthServer({ config: { auth: { clientAuth: { maxFailures: 5, failureWindow: 60 } } } });
  t.after(() => srv.close());
  const token = `${srv.issuer}/token`;
  const { client, clientSecret } = await srv.services.clients.create({ client_name: 'agent', grant_types: ['client_credentials'], scope: 'catalog:read cart:write', resources: [REST] }, { createdBy: 'cli' });
  const auth = { authorization: basic(client.clientId, clientSecret!) };
  const { client: web, clientSecret: webSecret } = await srv.services.clients.create({ client_name: 'web', redirect_uris: ['https://agent.example/cb'] }, { createdBy: 'cli' });

  const expectError = async (res: Awaited<ReturnType<typeof postForm>>, status: number, error: string, description?: RegExp) => {
    assert.equal(res.status, status, res.text);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.json.error, error, res.text);
    assert.equal(typeof res.json.error_description, 'string');
    if (description) assert.match(res.json.error_description, description);
    assert.deepEqual(Object.keys(res.json).sort(), ['error', 'error_description']);
  };

  await t.test('malformed requests are 400 invalid_request, never 500', async () => {
    await expectError(await send(token, { method: 'POST', body: '{"grant_type":"client_credentials"}', headers: { 'content-type': 'application/json', ...auth } }), 400, 'invalid_request', /x-www-form-urlencoded/);
    await expectError(await send(token, { method: 'POST', body: 'grant_type=client_credentials', headers: auth }), 400, 'invalid_request');
    await expectError(await postForm(token, 'grant_type=client_credentials&grant_type=client_credentials', auth), 400, 'invalid_request', /more than once/);
    await expectError(await postForm(token, 'scope=catalog:read', auth), 400, 'invalid_request', /grant_type/);
    await expectError(await postForm(token, { grant_type: 'client_credentials', scope: 'x'.repeat(70_000) }, auth), 400, 'invalid_request', /too large/);
    await expectError(await postForm(`${token}?client_secret=leak`, { grant_type: 'client_credentials' }, auth), 400, 'invalid_request', /query string/);
    await expectError(await postForm(token, { grant_type: 'client_credentials', scope: 'catalog:read  cart:write' }, auth), 400, 'invalid_request', /malformed/);
  });

  await t.test('unsupported_grant_type', async () => {
    await expectError(await postForm(token, { grant_type: 'password', username: 'a', password: 'b' }, auth), 400, 'unsupported_grant_type');
  });

  await t.test('invalid_client: unknown, wrong secret, wrong method, none; 401 with Basic challenge', async () => {
    const unknown = await postForm(token, { grant_type: 'client_credentials' }, { authorization: basic('agt_nobody', 'x') });
    await expectError(unknown, 401, 'invalid_client');
    assert.match(unknown.headers.get('www-authenticate')!, /^Basic realm="deputy"/);
    await expectError(await postForm(token, { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, `${clientSecret}x`) }), 401, 'invalid_client');
    await expectError(await postForm(token, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: clientSecret! }), 401, 'invalid_client');
    await expectError(await postForm(token, { grant_type: 'client_credentials', client_id: client.clientId }), 401, 'invalid_client');
    await expectError(await postForm(token, { grant_type: 'client_credentials', client_secret: clientSecret! }, auth), 400, 'invalid_request', /exactly one/);
    await expectError(await postForm(token, { grant_type: 'client_credentials', client_id: 'other' }, auth), 400, 'invalid_request', /does not match/);
    await expectError(await postForm(token, { grant_type: 'client_credentials' }, { authorization: 'Basic !!!' }), 401, 'invalid_client');
  });

  await t.test('unauthorized_client when the grant is not registered', async () => {
    await expectError(await postForm(token, { grant_type: 'client_credentials' }, { authorization: basic(web.clientId, webSecret!) }), 400, 'unauthorized_client');
  });

  await t.test('invalid_scope and invalid_target', async () => {
    await expectError(await postForm(token, { grant_type: 'client_credentials', scope: 'checkout' }, auth), 400, 'invalid_scope', /checkout/);
    await expectError(await postForm(token, { grant_type: 'client_credentials', scope: 'offline_access' }, auth), 400, 'invalid_scope');
    await expectError(await postForm(token, { grant_type: 'client_credentials', resource: 'https://evil.example/api' }, auth), 400, 'invalid_target', /unknown/);
    await expectError(await postForm(token, { grant_type: 'client_credentials', resource: 'http://localhost:8080/mcp' }, auth), 400, 'invalid_target', /may not/);
    await expectError(await postForm(token, { grant_type: 'client_credentials', resource: 'not a uri' }, auth), 400, 'invalid_target', /absolute/);
    await expectError(await postForm(token, { grant_type: 'client_credentials', resource: `${REST}#frag` }, auth), 400, 'invalid_target', /fragment/);
    await expectError(await postForm(token, `grant_type=client_credentials&resource=${encodeURIComponent(REST)}&resource=${encodeURIComponent(REST + '2')}`, auth), 400, 'invalid_target', /one resource/);
  });

  await t.test('a success after all that: no resource → the default audience, all allowed scopes', async () => {
    const ok = await postForm(token, { grant_type: 'client_credentials', unknown_param: 'ignored' }, auth);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.headers.get('pragma'), 'no-cache');
    assert.deepEqual(Object.keys(ok.json).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.equal(ok.json.scope, 'catalog:read cart:write');
    const claims = JSON.parse(Buffer.from(ok.json.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.aud, REST);
  });

  await t.test('failed authentications lock the client out, then even the right secret is refused', async () => {
    const { client: c, clientSecret: s } = await srv.services.clients.create({ client_name: 'victim', grant_types: ['client_credentials'] }, { createdBy: 'cli' });
    for (let i = 0; i < 5; i++) {
      const r = await postForm(token, { grant_type: 'client_credentials' }, { authorization: basic(c.clientId, `guess${i}`) });
      assert.equal(r.status, 401);
    }
    const locked = await postForm(token, { grant_type: 'client_credentials' }, { authorization: basic(c.clientId, s!) });
    await expectError(locked, 429, 'invalid_client', /too many/);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    const other = await postForm(token, { grant_type: 'client_credentials' }, auth);
    assert.equal(other.status, 200, 'other clients are unaffected');
  });

  await t.test('refusals and issuances are in the audit log', async () => {
    await srv.rt.audit.flush();
    const refused = await srv.rt.repos.auditEvents.query({ action: 'token.refused', limit: 1000 });
    const reasons = new Set(refused.map((r) => r.reason));
    for (const r of ['invalid_request', 'unsupported_grant_type', 'invalid_client', 'unauthorized_client', 'invalid_scope', 'invalid_target']) assert.ok(reasons.has(r), `audit has ${r}`);
    // A failed client authentication names the client it claimed (not as the event's client).
    const wrongSecret = refused.filter((r) => r.reason === 'invalid_client' && r.detail?.includes('"cause":"wrong secret"'));
    assert.ok(wrongSecret.length > 0, 'wrong-secret refusals are audited');
    assert.ok(wrongSecret.every((r) => r.client_id === null));
    assert.ok(wrongSecret.some((r) => JSON.parse(r.detail!).claimed_client_id === client.clientId));
    // An unknown id is the caller's text (perhaps a secret in the wrong field): not stored.
    const unknownClient = refused.find((r) => r.detail?.includes('"cause":"unknown client"'));
    assert.ok(unknownClient, 'an unknown-client refusal is audited');
    assert.equal(JSON.parse(unknownClient.detail!).claimed_client_id, undefined);
    assert.ok(!refused.some((r) => r.detail?.includes('agt_nobody')), 'the unknown id appears nowhere in the audit log');
    const issued = await srv.rt.repos.auditEvents.query({ action: 'token.issued', clientId: client.clientId });
    assert.equal(issued.length, 2);
    assert.equal(issued[0]!.subject, client.clientId);
    assert.ok(issued.every((e) => !e.detail!.includes(clientSecret!)));
  });
});
