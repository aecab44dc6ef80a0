import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { validateConfig } from '../../src/config/schema.ts';
import { ConfigError } from '../../src/platform/errors.ts';

const bad = (raw: Record<string, unknown>, path: string, message?: RegExp) => {
  assert.throws(() => validateConfig(raw), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.path, path);
    if (message) assert.match(err.message, message);
    return true;
  });
};

test('defaults follow the public contract', () => {
  const c = validateConfig({});
  assert.deepEqual(c.ports, { auth: 4000, gateway: 8080, shop: 9000, mcp: 9100 });
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.issuer, 'http://localhost:4000');
  assert.equal(c.dataDir, './data');
  assert.equal(c.keys.algorithm, 'ES256');
  assert.equal(c.auth.accessTokenTtl, 300);
  assert.equal(c.auth.defaultResource, 'http://localhost:8080/rest');
  assert.ok(Object.isFrozen(c.auth.resources[0]), 'config is frozen');
});

test('every bad value is named by its exact key path', () => {
  bad({ ports: { auth: 'abc' } }, 'ports.auth', /integer/);
  bad({ ports: { gateway: 70000 } }, 'ports.gateway', /between/);
  bad({ issuer: 'not a url' }, 'issuer');
  bad({ issuer: 'http://x.example/?q=1' }, 'issuer', /query/);
  bad({ databaseUrl: 'mysql://x' }, 'databaseUrl');
  bad({ masterKey: 'c2hvcnQ=' }, 'masterKey', /32 bytes/);
  bad({ keys: { algorithm: 'HS256' } }, 'keys.algorithm', /ES256/);
  bad({ nonsense: 1 }, 'nonsense', /unknown key/);
  bad({ auth: { resources: [{ id: 'https://api.example', scopes: ['nope'] }] } }, 'auth.resources[0].scopes', /unknown scope/);
  bad({ auth: { resources: [{ id: 'https://api.example', scopes: [], accessTokenTtl: 5 }] } }, 'auth.resources[0].accessTokenTtl');
  bad({ auth: { defaultResource: 'https://elsewhere.example' } }, 'auth.defaultResource');
  bad({ auth: { scopes: { 'bad scope': 'x' } } }, 'auth.scopes.bad scope');
  bad({ auth: { clientAuth: { maxFailures: 0 } } }, 'auth.clientAuth.maxFailures');
  bad({ gateway: 'yes' }, 'gateway', /mapping/);
});

test('YAML file, then environment, then overrides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deputy-config-'));
  const file = join(dir, 'deputy.yaml');
  writeFileSync(file, 'issuer: https://auth.shop.example\nports:\n  auth: 4100\n  gateway: 8180\nauth:\n  scopes:\n    catalog:read: Browse the catalog\n  resources:\n    - id: https://api.shop.example\n      scopes: [catalog:read]\n      accessTokenTtl: 120\n');
  const c = loadConfig({ DEPUTY_CONFIG: file, DEPUTY_GATEWAY_PORT: '8280' });
  assert.equal(c.issuer, 'https://auth.shop.example');
  assert.equal(c.ports.auth, 4100);
  assert.equal(c.ports.gateway, 8280);
  assert.equal(c.auth.resources[0]!.accessTokenTtl, 120);
  assert.equal(c.auth.scopes['catalog:read']!.description, 'Browse the catalog');
  writeFileSync(file, 'ports: [1, 2');
  assert.throws(() => loadConfig({ DEPUTY_CONFIG: file }), (e: unknown) => e instanceof ConfigError && e.path === 'DEPUTY_CONFIG' && /not valid YAML/.test(e.message));
});
