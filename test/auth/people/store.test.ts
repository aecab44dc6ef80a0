import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { backends } from '../../helpers/backends.ts';
import type { Database } from '../../../src/store/schema.ts';
import { AuthorizationCodeRepository, type AuthorizationCodeRow } from '../../../src/store/authorization-codes.ts';
import { AuthorizationRequestRepository } from '../../../src/store/authorization-requests.ts';
import { GrantRepository } from '../../../src/store/grants.ts';
import { RefreshTokenRepository, type RefreshTokenRow } from '../../../src/store/refresh-tokens.ts';
import { SessionRepository } from '../../../src/store/sessions.ts';
import { UserRepository } from '../../../src/store/users.ts';

function code(hash: string): AuthorizationCodeRow {
  return { code_hash: hash, client_id: 'c', user_id: 'u', grant_id: 'g', redirect_uri: 'https://a.example/cb', code_challenge: 'x', scope: 'a', resource: null, auth_time: 1, created_at: 1, expires_at: 61, used_at: null, family_id: null, access_jti: null, access_exp: null };
}

function refresh(hash: string, family = 'f1', grant = 'g1'): RefreshTokenRow {
  return { token_hash: hash, family_id: family, grant_id: grant, client_id: 'c', user_id: 'u', scope: 'a', resource: null, created_at: 1, expires_at: 1000, used_at: null, revoked: 0, access_jti: `jti-${hash}`, access_exp: 500 };
}

for (const backend of await backends()) {
  test(`people repositories on ${backend.name}`, { skip: backend.skip }, async (t) => {
    const store = await backend.open();
    const db = store.db as Kysely<Database>;
    t.after(() => store.close());

    await t.test('users: unique username, update, list', async () => {
      const repo = new UserRepository(db);
      await repo.insert({ id: 'u1', username: 'a@x', name: 'A', type: 'customer', password_hash: 'h', disabled: 0, created_at: 1, updated_at: 1 });
      await assert.rejects(repo.insert({ id: 'u2', username: 'a@x', name: 'B', type: 'admin', password_hash: 'h', disabled: 0, created_at: 1, updated_at: 1 }));
      assert.equal(await repo.update('u1', { disabled: 1 }), true);
      assert.equal((await repo.findByUsername('a@x'))?.disabled, 1);
      assert.equal((await repo.list()).length, 1);
    });

    await t.test('sessions: find, touch, purge by idle and absolute end', async () => {
      const repo = new SessionRepository(db);
      await repo.insert({ id_hash: 's1', user_id: null, auth_time: null, created_at: 100, last_seen_at: 100, expires_at: 1000 });
      await repo.insert({ id_hash: 's2', user_id: 'u1', auth_time: 100, created_at: 100, last_seen_at: 100, expires_at: 150 });
      await repo.touch('s1', 140);
      assert.equal((await repo.find('s1'))?.last_seen_at, 140);
      assert.equal(await repo.purgeExpired(160, 120), 1);
      assert.equal(await repo.find('s2'), undefined);
      assert.equal(await repo.deleteForUser('u1'), 0);
    });

    await t.test('grants: one active per user and client, end is one-shot', async () => {
      const repo = new GrantRepository(db);
      await repo.insert({ id: 'g1', user_id: 'u1', client_id: 'c1', scope: 'a b', status: 'active', created_at: 1, updated_at: 1, last_used_at: null, revoked_at: null });
      assert.equal((await repo.findActive('u1', 'c1'))?.id, 'g1');
      const g1 = (await repo.find('g1'))!;
      assert.equal(await repo.addScopes({ ...g1, scope: 'a' }, ['c'], 2), 'a b c', 'a stale row: compare-and-set fails, re-reads, merges');
      assert.equal(await repo.addScopes(g1, ['c', 'a'], 2), 'a b c');
      assert.equal((await repo.find('g1'))?.scope, 'a b c');
      assert.equal(await repo.insertActive({ id: 'g2', user_id: 'u1', client_id: 'c1', scope: 'x', status: 'active', created_at: 1, updated_at: 1, last_used_at: null, revoked_at: null }), false, 'a second active grant is refused');
      const ends = await Promise.all([repo.end('g1', 'revoked', 3), repo.end('g1', 'revoked', 3)]);
      assert.deepEqual(ends.sort(), [false, true]);
      assert.equal(await repo.findActive('u1', 'c1'), undefined);
      assert.equal((await repo.listForUser('u1')).length, 0);
    });

    await t.test('pushed requests are single use and expire', async () => {
      const repo = new AuthorizationRequestRepository(db);
      await repo.insert({ id_hash: 'r1', kind: 'par', client_id: 'c', params: '{}', expires_at: 100 });
      assert.equal(await repo.find('r1', 'interaction', 50), undefined, 'kind must match');
      assert.equal(await repo.take('r1', 'par', 100), undefined, 'expired');
      assert.equal(await repo.take('r1', 'interaction', 50), undefined, 'another kind neither takes nor deletes it');
      const taken = await Promise.all([repo.take('r1', 'par', 50), repo.take('r1', 'par', 50), repo.take('r1', 'par', 50)]);
      assert.deepEqual(taken.filter(Boolean).map((r) => ({ ...r, expires_at: Number(r!.expires_at) })), [{ id_hash: 'r1', kind: 'par', client_id: 'c', params: '{}', expires_at: 100 }]);
    });

    await t.test('authorization code: exactly one of many concurrent redemptions wins', async () => {
      const repo = new AuthorizationCodeRepository(db);
      await repo.insert(code('c1'));
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => repo.redeem('c1', 10, { familyId: `f${i}`, accessJti: `j${i}`, accessExp: 300 })));
      assert.equal(results.filter((r) => r.outcome === 'redeemed').length, 1);
      assert.equal(results.filter((r) => r.outcome === 'replayed').length, 7);
      const winner = results.findIndex((r) => r.outcome === 'redeemed');
      assert.deepEqual(await repo.redeem('nope', 10, { familyId: null, accessJti: 'x', accessExp: 1 }), { outcome: 'unknown' });
      const again = await repo.redeem('c1', 11, { familyId: null, accessJti: 'late', accessExp: 1 });
      assert.equal(again.outcome, 'replayed');
      assert.equal(again.outcome === 'replayed' && again.row.access_jti, `j${winner}`, 'the replay sees what the winner issued');
      assert.equal(again.outcome === 'replayed' && again.row.family_id, `f${winner}`);
    });

    await t.test('refresh rotation: exactly one of concurrent rotations wins, the rest see reuse', async () => {
      const repo = new RefreshTokenRepository(db);
      await repo.insert(refresh('r1'));
      let n = 0;
      const results = await Promise.all(Array.from({ length: 6 }, () => repo.rotate('r1', 5, (old) => ({ ...refresh(`r1-next-${n++}`), family_id: old.family_id }))));
      assert.equal(results.filter((r) => r.outcome === 'rotated').length, 1);
      assert.equal(results.filter((r) => r.outcome === 'reused').length, 5);
      assert.equal(n, 1, 'only the winner writes a successor');
      const issued = await repo.revokeFamily('f1');
      assert.deepEqual(issued.map((i) => i.jti).sort(), ['jti-r1', 'jti-r1-next-0']);
      assert.equal((await repo.rotate('r1-next-0', 6, () => undefined)).outcome, 'revoked');
      assert.deepEqual(await repo.rotate('missing', 6, () => undefined), { outcome: 'unknown' });
      await repo.insert(refresh('r2', 'f2', 'g2'));
      assert.deepEqual(await repo.revokeGrant('g2'), [{ jti: 'jti-r2', exp: 500 }]);
      assert.equal((await repo.rotate('r2', 6, () => undefined)).outcome, 'revoked');
    });
  });
}

test('purge removes expired people state and keeps live state', async (t) => {
  const { openSqliteStore } = await import('../../helpers/backends.ts');
  const { peopleRuntime } = await import('./helpers.ts');
  const { purgeExpiredPeopleState } = await import('../../../src/auth/session/purge.ts');
  const { usersConfig } = await import('../../../src/auth/users/users-config.ts');
  const { peopleRepos } = await import('../../../src/auth/users/people-repos.ts');
  const store = await openSqliteStore();
  const { rt, clock } = await peopleRuntime(store);
  t.after(async () => { await rt.close(); await store.close(); });
  const repos = peopleRepos(rt);
  const now = Math.floor(clock.now() / 1000);
  await repos.sessions.insert({ id_hash: 'live', user_id: null, auth_time: null, created_at: now, last_seen_at: now, expires_at: now + 100 });
  await repos.sessions.insert({ id_hash: 'idle', user_id: null, auth_time: null, created_at: now - 4000, last_seen_at: now - 4000, expires_at: now + 100 });
  await repos.requests.insert({ id_hash: 'old', kind: 'par', client_id: 'c', params: '', expires_at: now - 1 });
  await repos.codes.insert({ ...code('recent'), expires_at: now - 10 });
  await repos.codes.insert({ ...code('ancient'), expires_at: now - 4000 });
  await repos.refreshTokens.insert({ ...refresh('gone'), expires_at: now - 1 });
  await purgeExpiredPeopleState(rt, usersConfig(rt.config));
  assert.ok(await repos.sessions.find('live'));
  assert.equal(await repos.sessions.find('idle'), undefined);
  assert.equal(await repos.requests.find('old', 'par', now - 10), undefined);
  assert.ok(await repos.codes.find('recent'), 'used codes are remembered for an hour to catch late replays');
  assert.equal(await repos.codes.find('ancient'), undefined);
  assert.equal(await repos.refreshTokens.find('gone'), undefined);
});
