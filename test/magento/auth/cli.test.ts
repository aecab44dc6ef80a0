import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '../../../src/main.ts');

function deputy(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('CLI: integrations create|list|activate|revoke and users totp-enroll|revoke-tokens|magento-role', async () => {
  const env = { DEPUTY_DATA_DIR: mkdtempSync(join(tmpdir(), 'deputy-magento-cli-')), DEPUTY_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'), DEPUTY_USER_PASSWORD: 'admin password 1' };
  assert.equal((await deputy(['users', 'create', '--username', 'ops', '--type', 'admin'], env)).code, 0);

  const enroll = await deputy(['users', 'totp-enroll', '--username', 'ops', '--json'], env);
  assert.equal(enroll.code, 0, enroll.stderr);
  assert.match(JSON.parse(enroll.stdout).otpauth_uri, /^otpauth:\/\/totp\/Deputy:ops\?secret=[A-Z2-7]{32}&issuer=Deputy&algorithm=SHA1&digits=6&period=30$/);
  const role = await deputy(['users', 'magento-role', '--username', 'ops', '--role', 'Catalog Managers', '--json'], env);
  assert.equal(role.code, 0, role.stderr);
  assert.deepEqual(JSON.parse(role.stdout), { username: 'ops', role: 'Catalog Managers', acl: ['Magento_Catalog::catalog', 'Magento_Catalog::catalog_inventory', 'Magento_Catalog::products', 'Magento_Catalog::categories'] });
  const revoke = await deputy(['users', 'revoke-tokens', '--username', 'ops'], env);
  assert.equal(revoke.code, 0, revoke.stderr);
  assert.match(revoke.stdout, /^revoked every token issued to ops up to \d{4}-\d\d-\d\dT/);

  const created = await deputy(['integrations', 'create', '--name', 'ERP', '--resource', 'Magento_Sales::sales', '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  const i = JSON.parse(created.stdout);
  assert.equal(i.status, 'inactive');
  assert.deepEqual(i.resources, ['Magento_Sales::sales']);
  assert.match(i.consumer_key, /^[0-9a-f]{32}$/);
  const activated = await deputy(['integrations', 'activate', 'ERP', '--json'], env);
  assert.equal(activated.code, 0, activated.stderr);
  const a = JSON.parse(activated.stdout);
  assert.equal(a.integration.status, 'active');
  assert.deepEqual(Object.keys(a.credentials), ['consumer_key', 'consumer_secret', 'access_token', 'access_token_secret']);
  const list = await deputy(['integrations', 'list'], env);
  assert.match(list.stdout, /^id +name +status +consumer_key +resources +callback +created\n/);
  assert.match(list.stdout, /ERP +active +[0-9a-f]{32} +Magento_Sales::sales +- +20/);
  const revoked = await deputy(['integrations', 'revoke', i.id, '--json'], env);
  assert.equal(JSON.parse(revoked.stdout).status, 'revoked');

  const usage = await deputy(['integrations', 'create', '--name', 'x'], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^deputy: give --all or at least one --resource\n/);
  const missing = await deputy(['integrations', 'activate', 'nope'], env);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'deputy: no integration nope\n');
});
