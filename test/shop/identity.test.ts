import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { ManualClock } from '../../src/platform/clock.ts';
import { identityVerifier } from '../../src/shop/identity.ts';

const START = 1_900_000_000_000;

test('identity tokens: claims are mapped, and a cached token still expires on time', async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k' }] });
  let lookups = 0;
  const jwks: JWTVerifyGetKey = (h, t) => { lookups++; return keys(h, t); };
  const clock = new ManualClock(START);
  const verify = identityVerifier({ audience: 'shop', jwks, clock });
  const iat = START / 1000;
  const token = await new SignJWT({ jti: randomUUID(), sub: 'u1', user_type: 'agent', customer_id: 7, client_id: 'agent-x', scope: 'cart:write checkout', acl: [], auth_method: 'jwt', act: { sub: 'agent-x' } })
    .setProtectedHeader({ alg: 'ES256', typ: 'deputy-identity+jwt', kid: 'k' }).setIssuer('deputy-gateway').setAudience('shop').setIssuedAt(iat).setExpirationTime(iat + 60).sign(privateKey);
  const id = await verify(token);
  assert.deepEqual(id, { sub: 'u1', userType: 'agent', customerId: '7', clientId: 'agent-x', scope: ['cart:write', 'checkout'], acl: [], authMethod: 'jwt', email: undefined, givenName: undefined, familyName: undefined });
  clock.advance(30_000);
  assert.deepEqual(await verify(token), id);
  assert.equal(lookups, 1, 'the second call was served from the cache');
  clock.advance(36_000); // 66 s after iat: past exp + 5 s tolerance
  await assert.rejects(verify(token), { code: 'ERR_JWT_EXPIRED' });

  const customerOnly = await new SignJWT({ jti: randomUUID(), sub: 'u2', user_type: 'customer' })
    .setProtectedHeader({ alg: 'ES256', typ: 'deputy-identity+jwt', kid: 'k' }).setIssuer('deputy-gateway').setAudience('shop').setIssuedAt(clock.now() / 1000).setExpirationTime(clock.now() / 1000 + 60).sign(privateKey);
  assert.equal((await verify(customerOnly)).customerId, 'u2', 'a customer without customer_id is identified by sub');
  const noJti = await new SignJWT({ sub: 'u2', user_type: 'customer' })
    .setProtectedHeader({ alg: 'ES256', typ: 'deputy-identity+jwt', kid: 'k' }).setIssuer('deputy-gateway').setAudience('shop').setIssuedAt(clock.now() / 1000).setExpirationTime(clock.now() / 1000 + 60).sign(privateKey);
  await assert.rejects(verify(noJti), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  const old = await new SignJWT({ jti: randomUUID(), sub: 'u2', user_type: 'customer' })
    .setProtectedHeader({ alg: 'ES256', typ: 'deputy-identity+jwt', kid: 'k' }).setIssuer('deputy-gateway').setAudience('shop').setIssuedAt(clock.now() / 1000 - 300).setExpirationTime(clock.now() / 1000 + 3600).sign(privateKey);
  await assert.rejects(verify(old), { code: 'ERR_JWT_EXPIRED' }, 'older than the 120 s max age even with a long exp');
});
