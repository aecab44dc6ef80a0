import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/schema.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

/** Every leaf key path of the validated default configuration. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => (k === 'scopes' || k === 'resources' || k === 'extra' ? [prefix ? `${prefix}.${k}` : k] : keyPaths(v, prefix ? `${prefix}.${k}` : k)));
}

test('every configuration key is documented in the README', () => {
  const missing = keyPaths(validateConfig({})).filter((path) => {
    if (path === 'extra') return false;
    const last = path.split('.').at(-1)!;
    // A key is documented when the table names its full path, or its section and the key itself.
    return !README.includes(`\`${path}\``) && !(README.includes(last) && README.includes(path.split('.').slice(0, -1).join('.')));
  });
  assert.deepEqual(missing, []);
});

test('the README keeps the public contract: set-up commands and env variables', () => {
  for (const s of ['npm ci && npm start', 'npm test', 'DEPUTY_AUTH_PORT', 'DEPUTY_GATEWAY_PORT', 'DEPUTY_SHOP_PORT', 'DEPUTY_MCP_PORT', 'DEPUTY_HOST', 'DEPUTY_ISSUER', 'DEPUTY_DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'DEPUTY_MASTER_KEY', 'DEPUTY_ADMIN_PASSWORD', 'DEPUTY_DEMO_PASSWORD', 'DEPUTY_CONFIG']) {
    assert.ok(README.includes(s), `README mentions ${s}`);
  }
});
