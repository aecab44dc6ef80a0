import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/platform/clock.ts';
import { startAuthServer } from '../helpers/auth-server.ts';
import { basic, postForm } from '../helpers/http.ts';

test('secret rotation: both secrets work during the overlap, then only the new one', async (t) => {
  const clock = new ManualClock(Date.parse('2026-11-23T12:00:00Z'));
  const srv = await startAuthServer({ clock, config: { auth: { clientAuth: { secretRotationOverlap: 3600 } } } });
  t.after(() => srv.close());
  const { client, clientSecret: oldSecret } = await srv.services.clients.create({ client_name: 'agent', grant_types: ['client_credentials'] }, { createdBy: 'cli' });
  const tokenWith = (secret: string) => postForm(`${srv.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, secret) });

  const { clientSecret: newSecret, previousValidUntil } = await srv.services.clients.rotateSecret(client.clientId);
  assert.notEqual(newSecret, oldSecret);
  assert.equal(previousValidUntil, clock.now() / 1000 + 3600);
  assert.equal((await tokenWith(oldSecret!)).status, 200);
  assert.equal((await tokenWith(newSecret)).status, 200);

  clock.advance(3599_000);
  assert.equal((await tokenWith(oldSecret!)).status, 200, 'one second before the end of the overlap');
  clock.advance(1_000);
  const refused = await tokenWith(oldSecret!);
  assert.equal(refused.status, 401);
  assert.equal(refused.json.error, 'invalid_client');
  assert.equal((await tokenWith(newSecret)).status, 200);

  // A second rotation drops the first secret entirely, whatever the overlap.
  const third = await srv.services.clients.rotateSecret(client.clientId);
  assert.equal((await tokenWith(oldSecret!)).status, 401);
  assert.equal((await tokenWith(newSecret)).status, 200);
  assert.equal((await tokenWith(third.clientSecret)).status, 200);
});
