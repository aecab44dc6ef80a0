import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/backends.ts';
import { RevocationRepository } from '../../src/store/revocations.ts';
import { AssertionJtiRepository } from '../../src/store/assertion-jtis.ts';
import { InitialAccessTokenRepository } from '../../src/store/initial-access-tokens.ts';
import { ClientRepository } from '../../src/store/clients.ts';
import { AuditEventRepository } from '../../src/store/audit-events.ts';
import type { Database } from '../../src/store/schema.ts';
import type { Kysely } from 'kysely';

for (const backend of await backends()) {
  test(`repositories on ${backend.name}`, { skip: backend.skip }, async (t) => {
    const store = await backend.open();
    const db = store.db as Kysely<Database>;
    t.after(() => store.close());

    await t.test('revocation list keeps entries until exp and reports them since a time', async () => {
      const repo = new RevocationRepository(db);
      await repo.add('jti', 'a', 2000, 1000);
      await repo.add('grant', 'g', 1500, 1001);
      assert.deepEqual((await repo.matching([['jti', 'a'], ['grant', 'g']], 1999)).map((r) => `${r.kind}:${r.value}`), ['jti:a'], 'the grant entry has expired');
      assert.deepEqual((await repo.matching([['jti', 'a']], 2000)), [], 'expired entries do not match');
      assert.deepEqual((await repo.matching([['grant', 'a']], 1000)), [], 'the kind is part of the key');
      assert.deepEqual((await repo.matching([['jti', 'a'], ['grant', 'g']], 1400)).map((r) => `${r.kind}:${r.value}`).sort(), ['grant:g', 'jti:a']);
      assert.deepEqual((await repo.since(1001, 1000)).map((r) => r.value), ['g']);
      assert.equal(await repo.purgeExpired(1600), 1);
    });

    await t.test('assertion jti is single use, concurrently too', async () => {
      const repo = new AssertionJtiRepository(db);
      const results = await Promise.all(Array.from({ length: 8 }, () => repo.consume('k1', 500, 100)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await repo.consume('k1', 900, 600), true, 'an expired entry frees its key');
    });

    await t.test('initial access token uses are spent atomically', async () => {
      const repo = new InitialAccessTokenRepository(db);
      await repo.insert('h1', 100, 1000, 2, null);
      await repo.insert('h2', 100, 1000, null, 'unlimited');
      const results = await Promise.all(Array.from({ length: 5 }, () => repo.spend('h1', 200)));
      assert.equal(results.filter(Boolean).length, 2);
      assert.equal(await repo.spend('h2', 200), true);
      assert.equal(await repo.spend('h2', 1000), false, 'expired');
      assert.equal(await repo.spend('nope', 200), false);
    });

    await t.test('clients round-trip', async () => {
      const repo = new ClientRepository(db);
      await repo.insert({ client_id: 'c1', metadata: '{"client_name":"x"}', secret_hash: 'h', secret_expires_at: null, previous_secret_hash: null, previous_secret_expires_at: null, registration_token_hash: null, created_by: 'cli', created_at: 1, updated_at: 1, disabled: 0 });
      assert.equal((await repo.find('c1'))?.secret_hash, 'h');
      assert.equal(await repo.update('c1', { disabled: 1 }), true);
      assert.equal((await repo.list()).length, 1);
      assert.equal(await repo.delete('c1'), true);
      assert.equal(await repo.find('c1'), undefined);
    });

    await t.test('audit events are written in one batch and read back newest first', async () => {
      const repo = new AuditEventRepository(db);
      await repo.insertMany(Array.from({ length: 1200 }, (_, i) => ({ time: i, action: 'token.issued', outcome: 'success', client_id: `c${i % 3}`, request_id: null, subject: null, reason: null, detail: null })));
      const rows = await repo.query({ clientId: 'c1', limit: 5 });
      assert.equal(rows.length, 5);
      assert.ok(rows[0]!.id > rows[1]!.id);
      assert.equal(typeof rows[0]!.time, 'number');
      await repo.insertMany([{ time: 1_800_000_000_123, request_id: 'r-ü', action: 'token.refused', outcome: 'failure', client_id: null, subject: 'sübject "quoted"', reason: 'invalid_client', detail: JSON.stringify({ a: [1, 'x'] }) }]);
      const [last] = await repo.query({ action: 'token.refused' });
      assert.deepEqual({ ...last, id: 0 }, { id: 0, time: 1_800_000_000_123, request_id: 'r-ü', action: 'token.refused', outcome: 'failure', client_id: null, subject: 'sübject "quoted"', reason: 'invalid_client', detail: '{"a":[1,"x"]}' });
      const ordered = await repo.query({ clientId: 'c0', limit: 3 });
      assert.deepEqual(ordered.map((r) => r.time), [1197, 1194, 1191], 'batch order is kept');
    });
  });
}
