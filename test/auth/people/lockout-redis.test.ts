import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { redisOrSkip } from '../../helpers/backends.ts';
import { Browser, hidden, startPeopleServer } from './people-server.ts';

const redis = await redisOrSkip();
if ('skip' in redis) console.log(`# skipping Redis lockout test: ${redis.skip}`);

test('lockout is shared through Redis: failures on one auth process lock the account on another', { skip: 'skip' in redis ? redis.skip : false }, async (t) => {
  const url = 'url' in redis ? redis.url : '';
  const config = { redisUrl: url, users: { lockout: { customer: { maxFailures: 3, window: 60 }, ip: { maxFailures: 1000, window: 60 } } } };
  const a = await startPeopleServer({ config });
  t.after(() => a.close());
  const b = await startPeopleServer({ config });
  t.after(() => b.close());
  // A name no other run uses, so parallel runs against the same Redis cannot interfere.
  const username = `ghost-${randomBytes(6).toString('hex')}@example.com`;
  const onA = new Browser(a.issuer);
  const csrfA = hidden((await onA.get('/login')).text, 'csrf');
  for (let i = 0; i < 3; i++) assert.equal((await onA.post('/login', { csrf: csrfA, username, password: 'guess' })).status, 401);
  const onB = new Browser(b.issuer);
  const csrfB = hidden((await onB.get('/login')).text, 'csrf');
  const refused = await onB.post('/login', { csrf: csrfB, username, password: 'guess' });
  assert.equal(refused.status, 429);
  assert.match(refused.text, /Too many failed sign-in attempts/);
  assert.equal((await onB.post('/login', { csrf: csrfB, username: 'alice@example.com', password: 'alice-password' })).status, 303, 'other accounts are unaffected');
});
