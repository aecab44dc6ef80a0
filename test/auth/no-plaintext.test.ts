import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { dumpAllTables } from '../helpers/db-dump.ts';
import { backends } from '../helpers/backends.ts';
import { startAuthServer } from '../helpers/auth-server.ts';
import { basic, postForm, postJson } from '../helpers/http.ts';
import { sha256 } from '../../src/crypto/hash.ts';

for (const backend of await backends()) {
  test(`no secret rests in plaintext (${backend.name})`, { skip: backend.skip }, async (t) => {
    const store = await backend.open();
    const srv = await startAuthServer({ store });
    t.after(async () => { await srv.close(); await store.close(); });

    const iat = 'dit_plaintext_probe_initial_token';
    await srv.rt.repos.initialAccessTokens.insert(sha256(iat), Math.floor(srv.clock.now() / 1000), Math.floor(srv.clock.now() / 1000) + 600, 5, null);
    const reg = await postJson(`${srv.issuer}/register`, { grant_types: ['client_credentials'] }, { authorization: `Bearer ${iat}` });
    assert.equal(reg.status, 201);
    const secrets: string[] = [iat, reg.json.client_secret, reg.json.registration_access_token];
    const token = await postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(reg.json.client_id, reg.json.client_secret) });
    assert.equal(token.status, 200);
    secrets.push(token.json.access_token, token.json.access_token.split('.')[2]);
    const rotated = await srv.services.clients.rotateSecret(reg.json.client_id);
    secrets.push(rotated.clientSecret);
    const revoke = await postForm(`${srv.issuer}/revoke`, { token: token.json.access_token }, { authorization: basic(reg.json.client_id, rotated.clientSecret) });
    assert.equal(revoke.status, 200);
    await srv.rt.audit.flush();

    const dump = await dumpAllTables(store.db as Kysely<any>); // any: see dumpAllTables
    assert.ok(dump.includes(reg.json.client_id), 'the dump is real: it holds the client id');
    assert.ok(dump.includes('token.issued'), 'the dump holds the audit log');
    for (const s of secrets) assert.ok(!dump.includes(s), `plaintext secret ${s.slice(0, 12)}… found in the database`);
    assert.ok(!/\\"d\\":\\"/.test(dump) && !dump.includes('"d":"'), 'no private JWK member in the database');
    assert.ok(dump.includes('v1.'), 'private keys are stored as AES-GCM envelopes');
  });
}
