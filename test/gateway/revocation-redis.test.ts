import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RedisBus } from '../../src/platform/event-bus.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { redisOrSkip } from '../helpers/backends.ts';
import { bearer, call, gatewayConfig, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

// Scale-out: the authorization server publishes on Redis; a gateway in another runtime
// (its own connections, as in another process) refuses the token well under a second later.

describe('revocation over the Redis bus', async () => {
  const redis = await redisOrSkip();
  const skip = 'skip' in redis ? redis.skip : false;
  let issuer: Issuer; let up: Upstream; let gw: Gateway; let publisher: RedisBus;
  before(async () => {
    if (skip) return;
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [{ path: '/rest/V1/products', upstream: 'shop' }], { revocation: { pollInterval: 3600 } }), { redisUrl: (redis as { url: string }).url });
    publisher = await RedisBus.connect((redis as { url: string }).url, silentLogger());
  });
  after(async () => { if (skip) return; await publisher.close(); await gw.close(); await up.close(); await issuer.close(); });

  it('a token revoked by another process fails within 500 ms', { skip }, async () => {
    const jti = randomBytes(8).toString('hex');
    const t = await issuer.token({ jti });
    assert.equal((await call(`${gw.url}/rest/V1/products`, { headers: bearer(t) })).status, 200);
    const start = performance.now();
    await publisher.publish({ type: 'token.revoked', jti, exp: Math.floor(Date.now() / 1000) + 300 });
    let status = 200;
    while (performance.now() - start < 2000 && (status = (await call(`${gw.url}/rest/V1/products`, { headers: bearer(t) })).status) === 200) { /* poll */ }
    const ms = performance.now() - start;
    console.log(`# revocation propagation over Redis: ${ms.toFixed(1)} ms`);
    assert.equal(status, 401);
    assert.ok(ms < 500, `took ${ms} ms`);
  });
});
