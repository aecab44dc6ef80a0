import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../helpers/backends.ts';
import { peopleRuntime } from './helpers.ts';
import { hashPassword, needsRehash, verifyPassword, DEFAULT_SCRYPT } from '../../../src/crypto/password.ts';
import { UserService, UserError } from '../../../src/auth/users/user-service.ts';
import { usersConfig } from '../../../src/auth/users/users-config.ts';
import { seedDemoUsers, DEFAULT_DEMO_PASSWORD } from '../../../src/auth/users/seed.ts';
import { usersCommand } from '../../../src/cli/users.ts';
import { peopleRepos } from '../../../src/auth/users/people-repos.ts';
import { validateConfig } from '../../../src/config/schema.ts';
import { ConfigError } from '../../../src/platform/errors.ts';

test('scrypt hashes: format, verification, rehash detection, malformed input', async () => {
  const h = await hashPassword('correct horse', { ...DEFAULT_SCRYPT, cost: 1024 });
  assert.match(h, /^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.equal(await verifyPassword('correct horse', h), true);
  assert.equal(await verifyPassword('correct horsE', h), false);
  assert.equal(await verifyPassword('x', 'plain'), false);
  assert.equal(await verifyPassword('x', 'scrypt$0$8$1$aa$bb'), false);
  assert.equal(needsRehash(h, DEFAULT_SCRYPT), true);
  assert.equal(needsRehash(h, { ...DEFAULT_SCRYPT, cost: 1024 }), false);
  const full = await hashPassword('p');
  assert.match(full, /^scrypt\$16384\$8\$1\$/, 'production default N=2^14');
});

test('users config: defaults and exact key paths on error', () => {
  const base = { masterKey: Buffer.alloc(32).toString('base64') };
  const cfg = usersConfig(validateConfig(base));
  assert.deepEqual(cfg.lockout, { customer: { maxFailures: 10, window: 600 }, admin: { maxFailures: 6, window: 1800 }, ip: { maxFailures: 10, window: 600 } });
  assert.deepEqual(cfg.session, { idleTimeout: 1800, absoluteTimeout: 43200 });
  assert.throws(() => usersConfig(validateConfig({ ...base, users: { scrypt: { cost: 1000 } } })), (e: unknown) => e instanceof ConfigError && e.path === 'users.scrypt.cost');
  assert.throws(() => usersConfig(validateConfig({ ...base, users: { lockout: { admin: { tries: 1 } } } })), (e: unknown) => e instanceof ConfigError && e.path === 'users.lockout.admin.tries');
});

test('user service, seeding and the users CLI', async (t) => {
  const store = await openSqliteStore();
  const { rt } = await peopleRuntime(store);
  t.after(async () => { await rt.close(); await store.close(); });
  const users = new UserService(rt);

  await t.test('create normalises the name, refuses duplicates and short passwords', async () => {
    const u = await users.create({ username: ' Dana@Example.com ', type: 'customer', password: 'long enough' });
    assert.equal(u.username, 'dana@example.com');
    assert.equal(u.name, 'dana@example.com');
    await assert.rejects(users.create({ username: 'dana@example.com', type: 'admin', password: 'long enough' }), (e: unknown) => e instanceof UserError && e.code === 'duplicate');
    await assert.rejects(users.create({ username: 'eve@example.com', type: 'customer', password: 'short' }), (e: unknown) => e instanceof UserError && e.code === 'invalid_password');
    const row = await peopleRepos(rt).users.find(u.id);
    assert.ok(row && !row.password_hash.includes('long enough'));
  });

  await t.test('verify: right password, wrong password, unknown user, disabled user', async () => {
    assert.equal((await users.verify('DANA@example.com', 'long enough'))?.username, 'dana@example.com');
    assert.equal(await users.verify('dana@example.com', 'long enougH'), undefined);
    assert.equal(await users.verify('nobody@example.com', 'long enough'), undefined);
    const u = await users.disable('dana@example.com');
    assert.equal(u.disabled, true);
    assert.equal(await users.verify('dana@example.com', 'long enough'), undefined);
    assert.deepEqual((await rt.repos.revocations.matching([['subject', u.id]], Math.floor(rt.clock.now() / 1000))).map((r) => r.kind), ['subject']);
  });

  await t.test('seedDemoUsers: customers with the demo password, admin password generated once', async () => {
    const printed: string[] = [];
    const r = await seedDemoUsers(rt, { env: {}, print: (l) => printed.push(l) });
    assert.deepEqual(r.created, ['alice@example.com', 'bob@example.com', 'carol@example.com', 'admin']);
    assert.ok(r.generatedAdminPassword && r.generatedAdminPassword.length >= 24);
    assert.equal(printed.length, 1);
    assert.ok(printed[0]!.includes(r.generatedAdminPassword!));
    assert.equal((await users.verify('alice@example.com', DEFAULT_DEMO_PASSWORD))?.type, 'customer');
    assert.equal((await users.verify('admin', r.generatedAdminPassword!))?.type, 'admin');
    const again = await seedDemoUsers(rt, { env: {}, print: (l) => printed.push(l) });
    assert.deepEqual(again, { created: [] });
    assert.equal(printed.length, 1, 'printed once');
  });

  await t.test('CLI: create, list --json, disable, usage errors', async () => {
    const out: unknown[] = [];
    const io = { json: true, result: (v: unknown) => { out.push(v); }, info: () => {}, error: () => {} };
    assert.equal(await usersCommand(rt, ['create', '--username', 'frank@example.com', '--type', 'customer', '--password-stdin'], io, { readPassword: async () => 'frank-password' }), 0);
    assert.equal((out[0] as { username: string }).username, 'frank@example.com');
    assert.equal(await usersCommand(rt, ['create', '--username', 'gina@example.com', '--type', 'root'], io, { env: {} }), 2);
    assert.equal(await usersCommand(rt, ['create', '--username', 'gina@example.com', '--type', 'customer'], io, { env: {} }), 2, 'no password given');
    assert.equal(await usersCommand(rt, ['create', '--username', 'gina@example.com', '--type', 'customer'], io, { env: { DEPUTY_USER_PASSWORD: 'gina-password' } }), 0);
    assert.equal(await usersCommand(rt, ['list'], io), 0);
    const list = out.at(-1) as Array<{ username: string; disabled: boolean }>;
    assert.ok(list.some((u) => u.username === 'gina@example.com' && !u.disabled));
    assert.ok(list.every((u) => !('password_hash' in u)));
    assert.equal(await usersCommand(rt, ['disable', '--username', 'gina@example.com'], io), 0);
    assert.equal((out.at(-1) as { disabled: boolean }).disabled, true);
    assert.equal(await usersCommand(rt, ['disable', '--username', 'nobody'], io), 1);
    assert.equal(await usersCommand(rt, ['frobnicate'], io), 2);
    assert.equal(await usersCommand(rt, ['list', '--bogus'], io), 2);
  });
});
