import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { exportJwk, generateKeyPair, verifyInput } from '../../src/crypto/jws.ts';
import { SignerPool } from '../../src/crypto/signer-pool.ts';

test('signer threads: concurrent requests are batched and every signature verifies', async (t) => {
  const pool = new SignerPool(2);
  t.after(() => pool.close());
  const es = generateKeyPair('ES256');
  const ed = generateKeyPair('EdDSA');
  pool.setKeys([{ kid: 'es', alg: 'ES256', jwk: exportJwk(es.privateKey) }, { kid: 'ed', alg: 'EdDSA', jwk: exportJwk(ed.privateKey) }]);
  const inputs = Array.from({ length: 300 }, (_, i) => `header${i}.payload${i}`);
  const sigs = await Promise.all(inputs.map((input, i) => pool.sign(i % 2 ? 'ed' : 'es', input)));
  sigs.forEach((sig, i) => {
    const key = i % 2 ? ed.publicKey : es.publicKey;
    assert.ok(verifyInput(i % 2 ? 'EdDSA' : 'ES256', key, inputs[i]!, Buffer.from(sig, 'base64url')), `signature ${i}`);
    assert.ok(!verifyInput('ES256', createPublicKey(es.privateKey), `${inputs[i]}x`, Buffer.from(sig, 'base64url')));
  });
  await assert.rejects(pool.sign('unknown', 'a.b'), /unknown key/);
});

test('a closed signer pool refuses work', async () => {
  const pool = new SignerPool(1);
  await pool.close();
  await assert.rejects(pool.sign('k', 'a.b'), /closed/);
});
