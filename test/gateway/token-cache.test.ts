import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JwksCache } from '../../src/gateway/jwks-cache.ts';
import { TokenError, TokenVerifier } from '../../src/gateway/token-verifier.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { RESOURCE, startIssuer, type Issuer } from './helpers.ts';

// The verified-token cache serves a token until min(exp + skew, first sight + TTL), then
// the token expires or is verified again: reuse never outlives the token.

describe('verified-token cache', () => {
  let issuer: Issuer;
  before(async () => { issuer = await startIssuer(); });
  after(async () => { await issuer.close(); });

  function verifier(now: () => number, hits: boolean[]) {
    const jwks = new JwksCache({ uri: `${issuer.url}/jwks`, refreshInterval: 300, minRefetchInterval: 0, timeoutMs: 1000, maxBytes: 65_536, log: silentLogger() });
    return new TokenVerifier({ jwks, issuer: issuer.url, algorithms: ['ES256'], clockSkew: 5, maxTokenBytes: 8192, cacheMax: 100, cacheTtl: 30, now, onCache: (hit) => hits.push(hit) });
  }

  it('a cached token stops working once exp + skew has passed', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    let now = t0;
    const hits: boolean[] = [];
    const v = verifier(() => now, hits);
    const token = await issuer.token({ iat: t0, exp: t0 + 20 });
    assert.equal((await v.verify(token, RESOURCE)).claims.exp, t0 + 20);
    now = t0 + 24; // within exp + skew: still accepted, from the cache
    assert.equal((await v.verify(token, RESOURCE)).claims.exp, t0 + 20);
    now = t0 + 26;
    await assert.rejects(v.verify(token, RESOURCE), (err: unknown) => err instanceof TokenError && err.reason === 'token_expired');
    assert.deepEqual(hits, [false, true, false]);
  });

  it('a long-lived token is verified again after the cache TTL', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    let now = t0;
    const hits: boolean[] = [];
    const v = verifier(() => now, hits);
    const token = await issuer.token({ iat: t0, exp: t0 + 3600 });
    await v.verify(token, RESOURCE);
    now = t0 + 29;
    await v.verify(token, RESOURCE);
    now = t0 + 30;
    await v.verify(token, RESOURCE);
    assert.deepEqual(hits, [false, true, false]);
  });
});
