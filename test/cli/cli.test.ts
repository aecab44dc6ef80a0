import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '../../src/main.ts');

function deputy(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('CLI: clients and keys with --json, help, and exit codes', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deputy-cli-'));
  const env = { DEPUTY_DATA_DIR: dataDir };

  const help = await deputy(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: deputy <command>/);
  assert.equal((await deputy(['clients', '--help'])).code, 0);

  const created = await deputy(['clients', 'create', '--name', 'CLI agent', '--grant-types', 'client_credentials', '--scope', 'catalog:read', '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  const client = JSON.parse(created.stdout);
  assert.match(client.client_id, /^agt_/);
  assert.match(client.client_secret, /^dps_/);
  assert.match(created.stderr, /generated a master key/);
  assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);

  const list = JSON.parse((await deputy(['clients', 'list', '--json'], env)).stdout);
  assert.deepEqual(list.map((c: { client_id: string }) => c.client_id), [client.client_id]);
  const rotated = JSON.parse((await deputy(['clients', 'rotate-secret', client.client_id, '--overlap', '60', '--json'], env)).stdout);
  assert.notEqual(rotated.client_secret, client.client_secret);

  const keys = JSON.parse((await deputy(['keys', 'rotate', '--delay', '120', '--json'], env)).stdout);
  assert.deepEqual(keys.map((k: { state: string }) => k.state).sort(), ['active', 'pending']);
  const again = await deputy(['keys', 'rotate'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already waiting to activate/);

  const unknown = await deputy(['clients', 'show', 'agt_nobody'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no client agt_nobody/);
  const usage = await deputy(['clients', 'create'], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /needs --name/);
  const audit = JSON.parse((await deputy(['audit', '--json'], env)).stdout);
  assert.ok(Array.isArray(audit));
});

test('CLI: a bad configuration exits 2 naming the key', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deputy-cli-'));
  const file = join(dataDir, 'bad.yaml');
  writeFileSync(file, 'auth:\n  accessTokenTtl: -5\n');
  const res = await deputy(['keys', 'list'], { DEPUTY_DATA_DIR: dataDir, DEPUTY_CONFIG: file });
  assert.equal(res.code, 2);
  assert.match(res.stderr, /config: auth\.accessTokenTtl: must be between 10 and 86400, got -5/);
  const env = await deputy(['start'], { DEPUTY_DATA_DIR: dataDir, DEPUTY_AUTH_PORT: 'http' });
  assert.equal(env.code, 2);
  assert.match(env.stderr, /ports\.auth/);
  writeFileSync(file, 'shop:\n  audiance: shop\n');
  const shop = await deputy(['start', '--role', 'shop'], { DEPUTY_DATA_DIR: dataDir, DEPUTY_CONFIG: file });
  assert.equal(shop.code, 2);
  assert.match(shop.stderr, /config: shop\.audiance: unknown key/);
});

test('CLI: gateway API keys are created once, listed without the key, and revoked', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deputy-cli-'));
  const env = { DEPUTY_DATA_DIR: dataDir };
  const created = await deputy(['apikeys', 'create', '--name', 'legacy feed', '--client', 'feed-bot', '--scope', 'catalog:read', '--ttl', '3600', '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  const { api_key: key, id } = JSON.parse(created.stdout);
  assert.match(key, /^dpk_/);
  const list = await deputy(['apikeys', 'list', '--json'], env);
  assert.ok(!list.stdout.includes(key), 'the key is never shown again');
  assert.deepEqual(JSON.parse(list.stdout).map((k: { id: string; revoked: unknown }) => [k.id, k.revoked]), [[id, null]]);
  assert.equal((await deputy(['apikeys', 'revoke', id], env)).code, 0);
  const again = await deputy(['apikeys', 'revoke', id], env);
  assert.equal(again.code, 1);
  assert.equal(JSON.parse((await deputy(['apikeys', 'list', '--json'], env)).stdout)[0].revoked === null, false);
  assert.equal((await deputy(['apikeys', 'create', '--name', 'x'], env)).code, 2);
});
