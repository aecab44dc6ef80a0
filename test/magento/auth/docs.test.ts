import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../../src/config/schema.ts';
import { magentoConfig } from '../../../src/magento/token-services/magento-config.ts';
import { OAUTH1_PROBLEMS } from '../../../src/magento/oauth1/index.ts';
import * as errors from '../../../src/magento/token-services/errors.ts';

const root = join(import.meta.dirname, '../../..');
const DOC = readFileSync(join(root, 'docs/magento.md'), 'utf8');
const README = readFileSync(join(root, 'README.md'), 'utf8');

function leaves(v: unknown, prefix: string): string[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => leaves(x, `${prefix}.${k}`));
}

test('every magento.* key is in docs/magento.md and the README', () => {
  const keys = leaves(magentoConfig(validateConfig({})), 'magento');
  assert.ok(keys.length >= 18);
  assert.deepEqual(keys.filter((k) => !DOC.includes(`\`${k}\``)), []);
  assert.deepEqual(keys.filter((k) => {
    const last = k.split('.').at(-1)!;
    const parent = k.split('.').slice(0, -1).join('.');
    return !README.includes(`\`${k}\``) && !(README.includes(`\`${parent}.`) && README.includes(last));
  }), []);
});

test('every OAuth 1.0a problem and every token-service message is documented', () => {
  for (const [name, p] of Object.entries(OAUTH1_PROBLEMS)) assert.match(DOC, new RegExp(`\\| ${name} \\| ${p.code} \\| ${p.status} \\|`), name);
  for (const m of [errors.SIGN_IN_FAILED, errors.USE_2FA_ENDPOINT, errors.TFA_NOT_CONFIGURED, errors.TFA_INVALID_CODE, errors.REQUIRED_FIELD]) assert.ok(DOC.includes(m), m);
});
