import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { signCompact } from '../../src/crypto/jws.ts';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { bearer, call, gatewayConfig, RESOURCE, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

const META = 'http://localhost:8080/.well-known/oauth-protected-resource/rest';
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

for (const signatures of ['sync', 'pool', 'thread'] as const) describe(`authenticate: bearer JWT (signatures: ${signatures})`, () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway;
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [
      { id: 'products', path: '/rest/V1/products', upstream: 'shop', permission: { scopes: ['catalog:read'] } },
    ], { signatures, jwks: { refreshInterval: 1, minRefetchInterval: 10 }, revocation: { pollInterval: 1 } }));
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  const get = (token: string) => call(`${gw.url}/rest/V1/products`, { headers: bearer(token) });
  const valid = () => issuer.token();

  it('accepts a valid token and forwards the request', async () => {
    const r = await get(await valid());
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { method: 'GET', url: '/rest/V1/products', body: '' });
  });

  it('asks for a token with a challenge naming scope and resource metadata', async () => {
    const r = await call(`${gw.url}/rest/V1/products`);
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], `Bearer scope="catalog:read", resource_metadata="${META}"`);
    assert.deepEqual(r.json(), { message: 'Authentication is required.', parameters: [] });
  });

  it('refuses other schemes and query tokens', async () => {
    const t = await valid();
    const r = await call(`${gw.url}/rest/V1/products`, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], `Bearer error="invalid_request", error_description="Use the Bearer authentication scheme.", scope="catalog:read", resource_metadata="${META}"`);
    assert.equal((await call(`${gw.url}/rest/V1/products?access_token=${t}`)).status, 401);
  });

  describe('attack battery: each is a 401 invalid_token, never a 5xx', () => {
    const attacks: Record<string, () => Promise<string>> = {
      'alg none': async () => { const [, p] = (await valid()).split('.'); return `${b64({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${p}.`; },
      'alg none with a signature': async () => { const [, p, s] = (await valid()).split('.'); return `${b64({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${p}.${s}`; },
      'HS256 signed with the public key': async () => {
        const [, p] = (await valid()).split('.');
        const h = b64({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' });
        return `${h}.${p}.${createHmac('sha256', JSON.stringify(issuer.publicJwk)).update(`${h}.${p}`).digest('base64url')}`;
      },
      'unknown kid': async () => issuer.token({}, { kid: 'no-such-key' }),
      'kid path traversal': async () => issuer.token({}, { kid: '../../../../dev/null' }),
      'kid SQL injection': async () => issuer.token({}, { kid: "' OR '1'='1" }),
      'kid too long': async () => issuer.token({}, { kid: 'k'.repeat(300) }),
      'attacker key in jwk header': async () => {
        const { privateKey, publicKey } = await generateKeyPair('ES256');
        return new SignJWT({ client_id: 'agent-1', scope: 'catalog:read' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', jwk: await exportJWK(publicKey) })
          .setIssuer(issuer.url).setSubject('u').setAudience(RESOURCE).setIssuedAt().setExpirationTime('5m').sign(privateKey);
      },
      'attacker jku and x5u headers': async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return new SignJWT({ client_id: 'agent-1', scope: 'catalog:read' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'evil', jku: 'http://127.0.0.1:1/jwks', x5u: 'http://127.0.0.1:1/cert' })
          .setIssuer(issuer.url).setSubject('u').setAudience(RESOURCE).setIssuedAt().setExpirationTime('5m').sign(privateKey);
      },
      'RS256 not in the allowlist': async () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return new SignJWT({ client_id: 'agent-1' }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' }).setIssuer(issuer.url).setSubject('u').setAudience(RESOURCE).setIssuedAt().setExpirationTime('5m').sign(privateKey);
      },
      expired: async () => issuer.token({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 120 }),
      'not yet valid': async () => issuer.token({ nbf: Math.floor(Date.now() / 1000) + 120 }),
      'issued in the future': async () => issuer.token({ iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 }),
      'wrong issuer': async () => issuer.token({ iss: 'http://evil.example' }),
      'wrong audience': async () => issuer.token({ aud: 'http://localhost:8080/mcp' }),
      'id token typ': async () => issuer.token({}, { typ: 'JWT' }),
      'no typ': async () => issuer.token({}, { typ: undefined }),
      'tampered payload': async () => {
        const [h, p, s] = (await valid()).split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
        return `${h}.${b64({ ...claims, scope: 'catalog:read checkout', sub: 'admin' })}.${s}`;
      },
      'signature of another token': async () => { const [h, p] = (await valid()).split('.'); const [, , s] = (await valid()).split('.'); return `${h}.${p}.${s}`; },
      'crit header': async () => {
        const now = Math.floor(Date.now() / 1000);
        return signCompact('ES256', 'k1', KeyObject.from(issuer.privateKey), { typ: 'at+jwt', crit: ['x-must'], 'x-must': 1 }, { iss: issuer.url, sub: 'u', aud: RESOURCE, client_id: 'a', iat: now, exp: now + 60, scope: 'catalog:read' });
      },
      'missing client_id': async () => issuer.token({ client_id: undefined }),
      'oversized token': async () => `${'a'.repeat(9000)}.${'b'.repeat(10)}.${'c'.repeat(10)}`,
      'not a JWT': async () => 'opaque-token-value',
      'bad base64 header': async () => { const [, p, s] = (await valid()).split('.'); return `!!!.${p}.${s}`; },
      'header is JSON array': async () => { const [, p, s] = (await valid()).split('.'); return `${b64([1])}.${p}.${s}`; },
    };
    for (const [name, make] of Object.entries(attacks)) {
      it(name, async () => {
        const before = up.seen.length;
        const r = await get(await make());
        assert.equal(r.status, 401);
        assert.match(String(r.headers['www-authenticate']), /^Bearer error="invalid_token", error_description="The access token (is invalid|expired|is not yet valid|is not meant for this resource)\.", scope="catalog:read", resource_metadata="http:\/\/localhost:8080\/\.well-known\/oauth-protected-resource\/rest"$/);
        assert.equal(r.headers['cache-control'], 'no-store');
        assert.equal(up.seen.length, before);
      });
    }
  });

  it('never forwards the caller token; sends an identity token instead', async () => {
    const t = await valid();
    await get(t);
    const h = up.seen.at(-1)!.headers;
    assert.equal(h.authorization, undefined);
    assert.ok(!JSON.stringify(h).includes(t));
    assert.match(String(h['x-deputy-identity']), /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('keeps verifying with known keys while the issuer is down', async () => {
    issuer.down = true;
    try {
      const hits = issuer.jwksHits;
      await new Promise((r) => setTimeout(r, 1300)); // a background refresh fails meanwhile
      assert.ok(issuer.jwksHits > hits);
      assert.equal((await get(await valid())).status, 200);
    } finally { issuer.down = false; }
  });

  it('counts verified-token cache hits', async () => {
    const t = await valid();
    assert.equal((await get(t)).status, 200);
    assert.equal((await get(t)).status, 200);
    const m = (await call(`${gw.url}/metrics`)).text;
    assert.match(m, /deputy_gateway_token_cache_total\{result="hit"\} [1-9]/);
  });

  describe('revocation on a running gateway', () => {
    const waitFor = async (pred: () => Promise<boolean>, ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) { if (await pred()) return Date.now(); await new Promise((r) => setTimeout(r, 20)); }
      throw new Error('condition not reached in time');
    };
    it('a revoked jti fails at once, even from the verified-token cache', async () => {
      const jti = randomBytes(8).toString('hex');
      const t = await issuer.token({ jti });
      assert.equal((await get(t)).status, 200);
      await gw.rt.bus.publish({ type: 'token.revoked', jti, exp: Math.floor(Date.now() / 1000) + 300 });
      const r = await get(t);
      assert.equal(r.status, 401);
      assert.equal(r.headers['www-authenticate'], `Bearer error="invalid_token", error_description="The access token has been revoked.", scope="catalog:read", resource_metadata="${META}"`);
    });
    it('a revoked grant and a revoked subject fail', async () => {
      const g = await issuer.token({ grant_id: 'g-1' });
      const s = await issuer.token({ sub: 'user-gone', iat: Math.floor(Date.now() / 1000) - 10 });
      assert.equal((await get(g)).status, 200);
      assert.equal((await get(s)).status, 200);
      await gw.rt.bus.publish({ type: 'grant.revoked', grantId: 'g-1', exp: Math.floor(Date.now() / 1000) + 300 });
      const before = Math.floor(Date.now() / 1000);
      await gw.rt.bus.publish({ type: 'subject.revoked', sub: 'user-gone', before, exp: before + 300 });
      assert.equal((await get(g)).status, 401);
      assert.equal((await get(s)).status, 401);
      // Whole seconds: a token issued in the revocation's own second is revoked too.
      assert.equal((await get(await issuer.token({ sub: 'user-gone', iat: before }))).status, 401);
      // Tokens issued after the subject revocation work again.
      assert.equal((await get(await issuer.token({ sub: 'user-gone', iat: before + 1 }))).status, 200);
      const m = (await call(`${gw.url}/metrics`)).text;
      for (const kind of ['jti', 'grant', 'subject']) assert.match(m, new RegExp(`deputy_gateway_revocations_applied_total\\{kind="${kind}"\\} 1\n`));
    });
    it('a revocation the bus missed is caught by the poll within the interval', async () => {
      const jti = randomBytes(8).toString('hex');
      const t = await issuer.token({ jti });
      assert.equal((await get(t)).status, 200);
      const now = Math.floor(Date.now() / 1000);
      await gw.rt.repos.revocations.add('jti', jti, now + 300, now);
      const start = Date.now();
      const at = await waitFor(async () => (await get(t)).status === 401, 3000);
      assert.ok(at - start < 2500);
    });
  });

  it('serves protected-resource metadata, root and path-inserted', async () => {
    const r = await call(`${gw.url}/.well-known/oauth-protected-resource/rest`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      resource: RESOURCE, authorization_servers: [issuer.url], jwks_uri: `${issuer.url}/jwks`,
      scopes_supported: ['catalog:read', 'cart:write', 'checkout', 'orders:read', 'profile:read'],
      bearer_methods_supported: ['header'], resource_signing_alg_values_supported: ['ES256'],
    });
    assert.deepEqual((await call(`${gw.url}/.well-known/oauth-protected-resource`)).json(), r.json());
    assert.equal((await call(`${gw.url}/.well-known/oauth-protected-resource/nope`)).status, 404);
  });
});

describe('authenticate: JWKS refetch on unknown kid', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway;
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [{ path: '/rest/V1/products', upstream: 'shop' }], { jwks: { refreshInterval: 300, minRefetchInterval: 1 } }));
    await new Promise((r) => setTimeout(r, 1100)); // past the start-up fetch's cool-down
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });
  const get = (token: string) => call(`${gw.url}/rest/V1/products`, { headers: bearer(token) });

  it('refetches once, shared, for a new kid and then verifies it', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    issuer.extraKeys.push({ ...(await exportJWK(publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' });
    const hits = issuer.jwksHits;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => new SignJWT({ client_id: 'agent-1', scope: 'catalog:read' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k2' })
      .setIssuer(issuer.url).setSubject('u').setAudience(RESOURCE).setIssuedAt().setExpirationTime('5m').sign(privateKey)));
    const results = await Promise.all(tokens.map(get));
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
    assert.equal(issuer.jwksHits - hits, 1);
  });

  it('rate-limits refetches for unknown kids', async () => {
    await get(await issuer.token({}, { kid: 'zz1' }));
    const hits = issuer.jwksHits;
    for (let i = 0; i < 5; i++) assert.equal((await get(await issuer.token({}, { kid: `zz-${i}` }))).status, 401);
    assert.equal(issuer.jwksHits - hits, 0);
  });

});

describe('authenticate: issuer not up yet at start', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway;
  before(async () => {
    issuer = await startIssuer();
    issuer.down = true;
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [{ path: '/rest/V1/products', upstream: 'shop' }]));
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  it('is not ready until the JWKS loads, then retries every 2 s until it does', async () => {
    const ready = await call(`${gw.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.json(), { status: 'not_ready', role: 'gateway' });
    issuer.down = false;
    const end = Date.now() + 4000;
    while (Date.now() < end && (await call(`${gw.url}/readyz`)).status !== 200) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual((await call(`${gw.url}/readyz`)).json(), { status: 'ready', role: 'gateway' });
  });
});
