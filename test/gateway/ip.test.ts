import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { blockList, compileIpRules, ipDenied, resolveClientIp } from '../../src/gateway/ip-rules.ts';
import { bearer, call, gatewayConfig, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

describe('ip rules', () => {
  it('matches IPv4 and IPv6 CIDRs, and v4-mapped v6 peers', () => {
    const r = compileIpRules({ allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.6.6.6'] }, 'x')!;
    assert.equal(ipDenied(r, '10.1.2.3'), false);
    assert.equal(ipDenied(r, '10.6.6.6'), true);
    assert.equal(ipDenied(r, '11.0.0.1'), true);
    assert.equal(ipDenied(r, '2001:db8::1'), false);
    assert.equal(ipDenied(r, '2001:db9::1'), true);
    assert.equal(ipDenied(r, 'not-an-ip'), true);
    assert.equal(resolveClientIp('::ffff:10.1.2.3', undefined, undefined), '10.1.2.3');
  });
  it('rejects bad CIDRs at start, naming the key', () => {
    assert.throws(() => blockList(['10.0.0.0/33'], 'gateway.ip.allow'), /config: gateway\.ip\.allow: invalid IP address or CIDR "10\.0\.0\.0\/33"/);
    assert.throws(() => blockList(['example.com'], 'gateway.ip.deny'), /gateway\.ip\.deny/);
  });
  it('believes X-Forwarded-For only from trusted proxies, right to left', () => {
    const trusted = blockList(['127.0.0.1', '192.168.0.0/16'], 't');
    assert.equal(resolveClientIp('203.0.113.9', '10.0.0.1', trusted), '203.0.113.9');
    assert.equal(resolveClientIp('127.0.0.1', '10.0.0.1', undefined), '127.0.0.1');
    assert.equal(resolveClientIp('127.0.0.1', '10.0.0.1', trusted), '10.0.0.1');
    assert.equal(resolveClientIp('127.0.0.1', '6.6.6.6, 10.0.0.1, 192.168.1.1', trusted), '10.0.0.1');
    assert.equal(resolveClientIp('127.0.0.1', 'garbage, 192.168.1.1', trusted), '192.168.1.1');
  });
});

describe('ip filtering through the gateway', () => {
  let issuer: Issuer; let up: Upstream; let direct: Gateway; let proxied: Gateway;
  const routes = [
    { id: 'internal', path: '/rest/V1/internal', upstream: 'shop', permission: { anonymous: true }, ip: { allow: ['10.0.0.0/8'] } },
    { id: 'open', path: '/rest/V1/open', upstream: 'shop' },
  ];
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    direct = await startGateway(gatewayConfig(issuer, up, routes, { clients: { 'agent-ip': { ip: { allow: ['10.0.0.0/8'] } } } }));
    proxied = await startGateway(gatewayConfig(issuer, up, routes, { trustedProxies: ['127.0.0.1'], ip: { deny: ['10.6.6.0/24'] } }));
  });
  after(async () => { await direct.close(); await proxied.close(); await up.close(); await issuer.close(); });

  it('ignores spoofed X-Forwarded-For from an untrusted peer', async () => {
    const r = await call(`${direct.url}/rest/V1/internal`, { headers: { 'x-forwarded-for': '10.0.0.1' } });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), { message: 'Requests from this address are not allowed.', parameters: [] });
  });
  it('uses X-Forwarded-For from a trusted proxy and forwards the resolved address', async () => {
    const r = await call(`${proxied.url}/rest/V1/internal`, { headers: { 'x-forwarded-for': '6.6.6.6, 10.0.0.1' } });
    assert.equal(r.status, 200);
    assert.equal(up.seen.at(-1)!.headers['x-forwarded-for'], '10.0.0.1');
  });
  it('applies the global deny list', async () => {
    assert.equal((await call(`${proxied.url}/rest/V1/internal`, { headers: { 'x-forwarded-for': '10.6.6.7' } })).status, 403);
  });
  it('applies per-client rules once the agent is known', async () => {
    const r = await call(`${direct.url}/rest/V1/open`, { headers: bearer(await issuer.token({ client_id: 'agent-ip' })) });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), { message: 'Requests from this address are not allowed for this client.', parameters: [] });
    assert.equal((await call(`${direct.url}/rest/V1/open`, { headers: bearer(await issuer.token({ client_id: 'agent-other' })) })).status, 200);
  });
});
