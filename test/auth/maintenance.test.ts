import { test } from 'node:test';
import assert from 'node:assert/strict';
import { purgeExpiredTokenState } from '../../src/auth/maintenance.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { startAuthServer } from '../helpers/auth-server.ts';

test('expired revocations and assertion ids are purged; live ones stay', async (t) => {
  const clock = new ManualClock(Date.parse('2026-11-23T12:00:00Z'));
  const srv = await startAuthServer({ clock });
  t.after(() => srv.close());
  const now = Math.floor(clock.now() / 1000);
  await srv.rt.repos.revocations.add('jti', 'old', now + 10, now);
  await srv.rt.repos.revocations.add('jti', 'live', now + 1000, now);
  assert.equal(await srv.rt.repos.assertionJtis.consume('a-old', now + 10, now), true);
  assert.equal(await srv.rt.repos.assertionJtis.consume('a-live', now + 1000, now), true);
  clock.advance(60_000);
  assert.deepEqual(await purgeExpiredTokenState(srv.rt), { revocations: 1 });
  const later = now + 60;
  assert.deepEqual((await srv.rt.repos.revocations.matching([['jti', 'old'], ['jti', 'live']], now)).map((r) => r.value), ['live']);
  const left = await srv.rt.store.db.selectFrom('assertion_jtis').select('key').execute();
  assert.deepEqual(left.map((r) => r.key), ['a-live']);
  assert.equal(await srv.rt.repos.assertionJtis.consume('a-live', later + 1000, later), false, 'a live id is still single use');
});
