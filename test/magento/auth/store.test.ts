import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../../helpers/backends.ts';
import { TokenLockout } from '../../../src/magento/token-services/lockout.ts';
import { AdminProfileRepository } from '../../../src/magento/totp/admin-repository.ts';
import { IntegrationRepository, OAuthTokenRepository, type IntegrationRow } from '../../../src/store/integrations.ts';
import type { Database } from '../../../src/store/schema.ts';
import type { Kysely } from 'kysely';

const row = (id: string, now: number): IntegrationRow => ({
  id, name: `n-${id}`, email: null, callback_url: null, identity_link_url: null, resources: '["Magento_Backend::admin"]', status: 'active',
  consumer_key: `ck-${id}`, consumer_secret_enc: 'v1.x.y.z', verifier_hash: 'vh', verifier_expires_at: now + 60, created_at: now, updated_at: now, activated_at: now,
});

for (const backend of await backends()) {
  test(`Magento store contract: lockout window, single-use verifier, request token and TOTP step (${backend.name})`, { skip: backend.skip }, async (t) => {
    const store = await backend.open();
    t.after(() => store.close());
    const db = store.db as Kysely<Database>;
    const now = 1_800_000_000;

    const lock = new TokenLockout(db, { maxFailures: 3, duration: 100 });
    assert.equal(await lock.fail('customer', 'a', now), false);
    assert.equal(await lock.fail('customer', 'a', now + 1), false);
    assert.equal(await lock.lockedFor('customer', 'a', now + 1), 0);
    assert.equal(await lock.fail('customer', 'a', now + 2), true);
    assert.equal(await lock.lockedFor('customer', 'a', now + 2), 100);
    assert.equal(await lock.lockedFor('admin', 'a', now + 2), 0, 'per user type');
    assert.equal(await lock.lockedFor('customer', 'a', now + 102), 0, 'the lock ends');
    assert.equal(await lock.fail('customer', 'a', now + 103), false, 'counting starts again');
    // Failures older than the window do not add up.
    assert.equal(await lock.fail('customer', 'b', now), false);
    assert.equal(await lock.fail('customer', 'b', now + 1), false);
    assert.equal(await lock.fail('customer', 'b', now + 150), false);
    await lock.reset('customer', 'a');
    assert.equal(await lock.fail('customer', 'a', now + 104), false);
    assert.equal(await lock.purgeStale(now + 220), 1, 'a is stale; b still counts');
    assert.equal(await lock.purgeStale(now + 250), 1);

    // A concurrent burst is counted in full: it locks, exactly once.
    const burst = await Promise.all(Array.from({ length: 7 }, () => lock.fail('admin', 'c', now)));
    assert.ok(burst.some(Boolean), 'seven concurrent failures against a limit of three lock the account');
    assert.equal(await lock.lockedFor('admin', 'c', now), 100);

    const integrations = new IntegrationRepository(db);
    await integrations.insert(row('i1', now));
    const results = await Promise.all([1, 2, 3].map(() => integrations.consumeVerifier('i1', 'vh', now)));
    assert.deepEqual(results.sort(), [false, false, true], 'exactly one concurrent use of a verifier');
    await integrations.insert(row('i2', now));
    assert.equal(await integrations.consumeVerifier('i2', 'other', now), false);
    assert.equal(await integrations.consumeVerifier('i2', 'vh', now + 60), false, 'expired');

    const tokens = new OAuthTokenRepository(db);
    await tokens.insert({ token_hash: 'rt', integration_id: 'i1', type: 'request', secret_enc: 'v1.a.b.c', created_at: now, expires_at: now + 10, used_at: null });
    await tokens.insert({ token_hash: 'old', integration_id: 'i1', type: 'request', secret_enc: 'v1.a.b.c', created_at: now, expires_at: now + 10, used_at: null });
    const taken = await Promise.all([1, 2, 3].map(() => tokens.consumeRequestToken('rt', now)));
    assert.deepEqual(taken.sort(), [false, false, true], 'exactly one concurrent exchange of a request token');
    assert.equal(await tokens.consumeRequestToken('old', now + 10), false, 'expired');
    await tokens.purgeExpired(now + 10);
    assert.equal(await tokens.find('old'), undefined);

    const admins = new AdminProfileRepository(db);
    await admins.upsert('u1', { totp_secret_enc: 'v1.s' }, now);
    const steps = await Promise.all([1, 2, 3].map(() => admins.useStep('u1', 500, now)));
    assert.deepEqual(steps.sort(), [false, false, true], 'one TOTP code, one use');
    assert.equal(await admins.useStep('u1', 499, now), false, 'earlier steps are spent too');
    assert.equal(await admins.useStep('u1', 501, now), true);
    await admins.upsert('u1', { role: 'Sales Clerks' }, now + 5);
    const p = await admins.find('u1');
    assert.deepEqual([p?.role, p?.totp_secret_enc, p?.totp_last_step, p?.updated_at], ['Sales Clerks', 'v1.s', 501, now + 5], 'upsert keeps other columns');
  });
}
