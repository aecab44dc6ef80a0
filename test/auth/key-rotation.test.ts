import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { ManualClock } from '../../src/platform/clock.ts';
import { startAuthServer } from '../helpers/auth-server.ts';
import { basic, postForm, send } from '../helpers/http.ts';

test('key rotation: a resource server caching JWKS for max-age never fails a verification', async (t) => {
  const clock = new ManualClock(Date.parse('2026-11-23T12:00:00Z'));
  const srv = await startAuthServer({ clock, config: { keys: { activationDelay: 600 } } });
  t.after(() => srv.close());
  const { client, clientSecret } = await srv.services.clients.create({ client_name: 'agent', grant_types: ['client_credentials'] }, { createdBy: 'cli' });

  // The strictest verifier: refreshes its JWKS only when max-age has passed, never on an unknown kid.
  let cached: { keys: JSONWebKeySet; fetchedAt: number; maxAge: number } | undefined;
  const jwks = async () => {
    if (!cached || clock.now() - cached.fetchedAt >= cached.maxAge * 1000) {
      const res = await send(`${srv.issuer}/jwks`);
      assert.equal(res.status, 200);
      const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control')!)![1]);
      assert.ok(maxAge > 0 && maxAge <= 150, 'max-age stays well below the activation delay');
      cached = { keys: res.json as JSONWebKeySet, fetchedAt: clock.now(), maxAge };
    }
    return createLocalJWKSet(cached.keys);
  };
  const live: Array<{ token: string; exp: number }> = [];
  const kids = new Set<string>();
  let verifications = 0;
  const failures: string[] = [];
  const step = async () => {
    const res = await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, clientSecret!) });
    assert.equal(res.status, 200);
    live.push({ token: res.json.access_token, exp: clock.now() / 1000 + res.json.expires_in });
    kids.add(decodeProtectedHeader(res.json.access_token).kid!);
    const keySet = await jwks();
    for (const { token, exp } of live) {
      if (exp <= clock.now() / 1000) continue;
      verifications++;
      try { await jwtVerify(token, keySet, { issuer: srv.issuer, typ: 'at+jwt', currentDate: new Date(clock.now()) }); } catch (err) { failures.push(`${new Date(clock.now()).toISOString()} ${(err as Error).message}`); }
    }
  };

  const [original] = srv.rt.keys.list();
  // 19 steps: the rotation falls between two JWKS refreshes of the verifier.
  for (let i = 0; i < 19; i++) { await step(); clock.advance(30_000); }
  const next = await srv.rt.keys.rotate();
  assert.equal(next.state, 'pending');
  assert.ok(JSON.parse(srv.rt.keys.jwks()).keys.some((k: { kid: string }) => k.kid === next.kid), 'the next key is published before it signs');
  // Walk past the switch and past the old key's retention, in 30-second steps.
  const end = clock.now() + (600 + srv.rt.keys.maxTokenLifetime + 120) * 1000;
  while (clock.now() < end) { await step(); clock.advance(30_000); }

  assert.deepEqual(failures, []);
  assert.ok(verifications > 1000, `verified ${verifications} times`);
  assert.deepEqual([...kids].sort(), [original!.kid, next.kid].sort(), 'tokens were signed by the old key, then the new one');
  const states = Object.fromEntries(srv.rt.keys.list().map((k) => [k.kid, k.state]));
  assert.equal(states[original!.kid], 'expired');
  assert.equal(states[next.kid], 'active');
  assert.deepEqual(JSON.parse(srv.rt.keys.jwks()).keys.map((k: { kid: string }) => k.kid), [next.kid], 'the old key has left JWKS');
  assert.equal(await srv.rt.keys.purge(), 1);
});

test('retiring a compromised key immediately: its tokens stop verifying and a new key signs', async (t) => {
  const srv = await startAuthServer();
  t.after(() => srv.close());
  const { client, clientSecret } = await srv.services.clients.create({ client_name: 'agent', grant_types: ['client_credentials'] }, { createdBy: 'cli' });
  const get = async () => (await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, clientSecret!) })).json.access_token as string;
  const before = await get();
  const [key] = srv.rt.keys.list();
  await srv.rt.keys.retire(key!.kid, { immediately: true });
  const after = await get();
  assert.notEqual(decodeProtectedHeader(after).kid, key!.kid);
  const keySet = createLocalJWKSet(JSON.parse(srv.rt.keys.jwks()));
  await assert.rejects(jwtVerify(before, keySet, { currentDate: new Date(srv.clock.now()) }), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
  await jwtVerify(after, keySet, { currentDate: new Date(srv.clock.now()) });
  const intro = await postForm(`${srv.issuer}/introspect`, { token: before }, { authorization: basic(client.clientId, clientSecret!) });
  assert.deepEqual(intro.json, { active: false });
});

test('every signing algorithm is selectable and verifies with jose', async (t) => {
  for (const alg of ['EdDSA', 'RS256', 'PS256'] as const) {
    // EdDSA also covers signing on the event loop (no signer thread).
    const srv = await startAuthServer({ config: { keys: { algorithm: alg, signerThreads: alg === 'EdDSA' ? 0 : 1 } } });
    t.after(() => srv.close());
    const { client, clientSecret } = await srv.services.clients.create({ client_name: 'agent', grant_types: ['client_credentials'] }, { createdBy: 'cli' });
    const res = await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, clientSecret!) });
    const { protectedHeader } = await jwtVerify(res.json.access_token, createLocalJWKSet(JSON.parse(srv.rt.keys.jwks())), { currentDate: new Date(srv.clock.now()), typ: 'at+jwt' });
    assert.equal(protectedHeader.alg, alg);
  }
});
