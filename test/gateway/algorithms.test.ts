import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signCompact } from '../../src/crypto/jws.ts';
import { bearer, call, gatewayConfig, RESOURCE, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

// Every allowlisted algorithm verifies in both modes; a key never verifies another
// algorithm's signature.

const keys: Record<string, { privateKey: KeyObject; publicKey: KeyObject }> = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: generateKeyPairSync('ed25519'),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

for (const signatures of ['sync', 'pool', 'thread'] as const) {
  describe(`algorithms (signatures: ${signatures})`, () => {
    let issuer: Issuer; let up: Upstream; let gw: Gateway;
    before(async () => {
      issuer = await startIssuer();
      for (const [alg, k] of Object.entries(keys)) issuer.extraKeys.push({ ...k.publicKey.export({ format: 'jwk' }), kid: `kid-${alg}`, alg, use: 'sig' });
      up = await startUpstream();
      gw = await startGateway(gatewayConfig(issuer, up, [{ path: '/rest/V1/products', upstream: 'shop' }], { signatures, algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'] }));
    });
    after(async () => { await gw.close(); await up.close(); await issuer.close(); });
    const token = (alg: string, kid: string, key: KeyObject) => {
      const now = Math.floor(Date.now() / 1000);
      return signCompact(alg, kid, key, { typ: 'at+jwt' }, { iss: issuer.url, sub: 'u', aud: RESOURCE, client_id: 'a', iat: now, exp: now + 60 });
    };
    for (const alg of Object.keys(keys)) {
      it(`${alg} verifies`, async () => {
        assert.equal((await call(`${gw.url}/rest/V1/products`, { headers: bearer(token(alg, `kid-${alg}`, keys[alg]!.privateKey)) })).status, 200);
      });
    }
    it('RS256 signed by the PS256 key (same RSA type, other alg) is refused', async () => {
      assert.equal((await call(`${gw.url}/rest/V1/products`, { headers: bearer(token('RS256', 'kid-PS256', keys.PS256!.privateKey)) })).status, 401);
    });
    it('PS256 claimed on the EC key is refused', async () => {
      assert.equal((await call(`${gw.url}/rest/V1/products`, { headers: bearer(token('PS256', 'kid-ES256', keys.PS256!.privateKey)) })).status, 401);
    });
  });
}
