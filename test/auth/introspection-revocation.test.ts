import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeputyEvent } from '../../src/platform/event-bus.ts';
import { startAuthServer } from '../helpers/auth-server.ts';
import { basic, postForm } from '../helpers/http.ts';

const REST = 'http://localhost:8080/rest';
const MCP = 'http://localhost:8080/mcp';

test('introspection shows a token only to its client or to clients of its resource; revocation is published', async (t) => {
  const srv = await startAuthServer();
  t.after(() => srv.close());
  const events: DeputyEvent[] = [];
  srv.rt.bus.subscribe((e) => events.push(e));
  const mk = async (name: string, resources: string[]) => {
    const { client, clientSecret } = await srv.services.clients.create({ client_name: name, grant_types: ['client_credentials'], resources, scope: 'catalog:read' }, { createdBy: 'cli' });
    return { id: client.clientId, auth: { authorization: basic(client.clientId, clientSecret!) } };
  };
  const agent = await mk('agent', [REST]);
  const restServer = await mk('store api', [REST]);
  const mcpServer = await mk('mcp', [MCP]);
  const issued = await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials', resource: REST }, agent.auth);
  const token = issued.json.access_token as string;
  const introspect = (who: { auth: Record<string, string> }, body: Record<string, string> = { token }) => postForm(`${srv.issuer}/introspect`, body, who.auth);

  const own = await introspect(agent);
  assert.equal(own.status, 200);
  assert.equal(own.headers.get('cache-control'), 'no-store');
  assert.equal(own.json.active, true);
  assert.equal(own.json.aud, REST);
  assert.equal(own.json.token_type, 'Bearer');
  assert.equal((await introspect(restServer)).json.active, true, 'the resource server of the audience may see it');
  assert.deepEqual((await introspect(mcpServer)).json, { active: false }, 'another resource server may not');
  assert.deepEqual((await introspect(agent, { token: 'not-a-token' })).json, { active: false });
  assert.deepEqual((await introspect(agent, { token: token.slice(0, -4) + 'AAAA' })).json, { active: false }, 'tampered signature');
  const missing = await introspect(agent, {});
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error, 'invalid_request');
  const anon = await postForm(`${srv.issuer}/introspect`, { token });
  assert.equal(anon.status, 401);

  // Only the client the token was issued to may revoke it.
  const foreign = await postForm(`${srv.issuer}/revoke`, { token }, restServer.auth);
  assert.equal(foreign.status, 400);
  assert.equal(foreign.json.error, 'invalid_request');
  assert.equal((await introspect(agent)).json.active, true);
  const revoked = await postForm(`${srv.issuer}/revoke`, { token, token_type_hint: 'access_token' }, agent.auth);
  assert.equal(revoked.status, 200);
  assert.equal(revoked.text, '');
  assert.deepEqual((await introspect(agent)).json, { active: false });
  assert.equal((await postForm(`${srv.issuer}/revoke`, { token: 'garbage' }, agent.auth)).status, 200, 'RFC 7009 §2.2: invalid tokens answer 200');

  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  assert.deepEqual(events.filter((e) => e.type === 'token.revoked'), [{ type: 'token.revoked', jti: claims.jti, exp: claims.exp }]);
  const now = Math.floor(srv.clock.now() / 1000);
  assert.deepEqual((await srv.rt.repos.revocations.since(now - 5, now)).map((r) => [r.kind, r.value, r.exp]), [['jti', claims.jti, claims.exp]]);
  await srv.rt.audit.flush();
  const audit = await srv.rt.repos.auditEvents.query({ action: 'token.revoked' });
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.client_id, agent.id);
  assert.equal((await srv.rt.repos.auditEvents.query({ action: 'token.revoke_refused' })).length, 1);
});

test('public clients may not introspect', async (t) => {
  const srv = await startAuthServer();
  t.after(() => srv.close());
  const { client } = await srv.services.clients.create({ client_name: 'public', token_endpoint_auth_method: 'none', redirect_uris: ['https://agent.example/cb'] }, { createdBy: 'cli' });
  const res = await postForm(`${srv.issuer}/introspect`, { token: 'x', client_id: client.clientId });
  assert.equal(res.status, 401);
  assert.equal(res.json.error, 'invalid_client');
});

test('a subject revocation ends the tokens issued before it, not those issued after', async (t) => {
  const srv = await startAuthServer();
  t.after(() => srv.close());
  const { client, clientSecret } = await srv.services.clients.create({ client_name: 'agent', grant_types: ['client_credentials'] }, { createdBy: 'cli' });
  const auth = { authorization: basic(client.clientId, clientSecret!) };
  const issue = async () => (await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials' }, auth)).json.access_token as string;
  const active = async (token: string) => (await postForm(`${srv.issuer}/introspect`, { token }, auth)).json.active as boolean;
  const before = await issue();
  const events: DeputyEvent[] = [];
  srv.rt.bus.subscribe((e) => events.push(e));
  const { before: at } = await srv.rt.revocation.revokeSubject(client.clientId);
  assert.deepEqual(events.map((e) => e.type), ['subject.revoked']);
  assert.equal(await active(before), false);
  (srv.clock as import('../../src/platform/clock.ts').ManualClock).advance(1000);
  const after = await issue();
  assert.ok(JSON.parse(Buffer.from(after.split('.')[1]!, 'base64url').toString()).iat > at);
  assert.equal(await active(after), true, 'a token issued after the revocation is unaffected');
});
