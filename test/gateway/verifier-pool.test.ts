import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { generateKeyPair, signInput } from '../../src/crypto/jws.ts';
import { VerifierPool } from '../../src/gateway/verifier-pool.ts';

// The verifier thread checks with the key the JWKS holds now for a kid: a refresh that
// rebuilds the same key changes nothing, a kid whose key changed is checked with the new one.

test('verifier thread: keys by kid, replaced when the JWKS gives a kid new material', async (t) => {
  const pool = new VerifierPool(1);
  t.after(() => pool.close());
  const one = generateKeyPair('ES256');
  const two = generateKeyPair('ES256');
  const input = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0';
  const sigOne = signInput('ES256', one.privateKey, input).toString('base64url');
  const sigTwo = signInput('ES256', two.privateKey, input).toString('base64url');

  assert.equal(await pool.verify('ES256', 'k', one.publicKey, input, sigOne), true);
  assert.equal(await pool.verify('ES256', 'k', one.publicKey, `${input}x`, sigOne), false, 'another input');
  // A refresh: a new KeyObject with the same material.
  const again = createPublicKey({ key: one.publicKey.export({ format: 'jwk' }), format: 'jwk' });
  assert.equal(await pool.verify('ES256', 'k', again, input, sigOne), true);
  // The issuer reuses the kid for another key: tokens of the old key stop verifying.
  assert.equal(await pool.verify('ES256', 'k', two.publicKey, input, sigOne), false);
  assert.equal(await pool.verify('ES256', 'k', two.publicKey, input, sigTwo), true);
  assert.equal(await pool.verify('ES256', 'other', one.publicKey, input, sigTwo), false);
});
