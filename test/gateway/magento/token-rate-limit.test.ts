import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGatewayServer } from '../../../src/gateway/server.ts';
import { postJson } from '../../helpers/http.ts';
import { PASSWORD } from '../../magento/auth/helpers.ts';
import { startStack } from './stack.ts';

// The token services are limited per client IP at the gateway (class magento-token),
// before the auth server's own per-username lockout.

test('token services through the gateway are rate limited per IP', async (t) => {
  const s = await startStack();
  t.after(() => s.close());
  const cfg = s.config({ rateLimits: { default: { points: 100, duration: 60, by: ['agent'] }, 'magento-token': { points: 2, duration: 60, by: ['ip'] } } });
  assert.deepEqual(cfg.routes.filter((r) => r.upstream === 'auth').map((r) => [r.path, r.rateLimit]), [
    ['/rest/V1/integration/customer/token', ['magento-token']], ['/rest/:store/V1/integration/customer/token', ['magento-token']],
    ['/rest/V1/integration/admin/token', ['magento-token']], ['/rest/:store/V1/integration/admin/token', ['magento-token']],
    ['/rest/V1/tfa/provider/google/authenticate', ['magento-token']], ['/rest/:store/V1/tfa/provider/google/authenticate', ['magento-token']],
    ['/oauth/token/request', ['magento-token']], ['/oauth/token/access', ['magento-token']],
  ]);
  const g = await createGatewayServer(s.srv.rt, { config: cfg, rateLimitPrefix: `tok-${Date.now()}` });
  s.extraGateways.push(g);
  await g.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(g.app.server.address() as { port: number }).port}/rest/V1/integration/customer/token`;
  const body = { username: 'carol@example.com', password: PASSWORD };
  assert.equal((await postJson(url, body)).status, 200);
  assert.equal((await postJson(url.replace('/V1/', '/default/V1/'), body)).status, 200);
  const limited = await postJson(url, body);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('ratelimit-policy'), '"magento-token";q=2;w=60');
  assert.equal(limited.json.message, 'Too many requests; retry later.');
  assert.deepEqual(limited.json.parameters, []);
});
