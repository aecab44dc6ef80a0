import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrantService } from '../../../src/auth/consent/grant-service.ts';
import { UserService } from '../../../src/auth/users/user-service.ts';
import { peopleRepos } from '../../../src/auth/users/people-repos.ts';
import { backends } from '../../helpers/backends.ts';
import { startAuthServer } from '../../helpers/auth-server.ts';

for (const backend of await backends()) {
  test(`concurrent first consents leave exactly one active grant (${backend.name})`, { skip: backend.skip }, async (t) => {
    const store = await backend.open();
    const srv = await startAuthServer({ store });
    t.after(async () => { await srv.close(); await store.close(); });
    const user = await new UserService(srv.rt).create({ username: 'dana@example.com', type: 'customer', password: 'a-long-password' });
    const { client } = await srv.services.clients.create({ client_name: 'agent', redirect_uris: ['https://agent.example/cb'] }, { createdBy: 'cli' });
    const grants = new GrantService(srv.services);
    const results = await Promise.all([['catalog:read'], ['cart:write'], ['catalog:read', 'checkout'], ['orders:read']].map((scope) => grants.approve(user.id, client.clientId, scope)));
    assert.equal(new Set(results.map((g) => g.id)).size, 1, 'every approval landed on the same grant');
    const active = await peopleRepos(srv.rt).grants.listForUser(user.id);
    assert.equal(active.length, 1);
    assert.deepEqual(active[0]!.scope.split(' ').sort(), ['cart:write', 'catalog:read', 'checkout', 'orders:read']);
    // Once revoked, a new consent may create a new active grant.
    await grants.revoke(active[0]!.id);
    const fresh = await grants.approve(user.id, client.clientId, ['catalog:read']);
    assert.notEqual(fresh.id, active[0]!.id);
  });
}
