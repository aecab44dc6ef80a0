import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prefixedToken, randomToken } from '../../src/platform/ids.ts';

test('random tokens are unique across pool refills and carry the requested entropy', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) seen.add(randomToken(18));
  assert.equal(seen.size, 5000);
  assert.equal(Buffer.from(randomToken(32), 'base64url').length, 32);
  assert.equal(Buffer.from(randomToken(5000), 'base64url').length, 5000);
  assert.match(prefixedToken('dps'), /^dps_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(randomToken(16), 'AAAAAAAAAAAAAAAAAAAAAA');
});
