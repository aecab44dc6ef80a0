import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { luhnValid, maskCards, maskEmails, maskJson } from '../../src/gateway/masking.ts';
import { bearer, call, gatewayConfig, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

describe('masking detectors', () => {
  it('masks Luhn-valid 13–19 digit card numbers to the last four', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('4111111111111112'), false);
    assert.equal(maskCards('card 4111 1111 1111 1111 ok'), 'card ****1111 ok');
    assert.equal(maskCards('4111-1111-1111-1111'), '****1111');
    assert.equal(maskCards('378282246310005'), '****0005'); // 15-digit Amex
    assert.equal(maskCards('order 1234567890123'), 'order 1234567890123'); // 13 digits, not Luhn-valid
    assert.equal(maskCards('4111111111111112'), '4111111111111112');
    assert.equal(maskCards('411111111111'), '411111111111'); // 12 digits
    assert.equal(maskCards('41111111111111111111'), '41111111111111111111'); // 20 digits
  });
  it('masks emails to a***@domain', () => {
    assert.equal(maskEmails('write to alice@example.com or b@x.org'), 'write to a***@example.com or b***@x.org');
    assert.equal(maskEmails('not@an-email'), 'not@an-email');
  });
  it('masks by JSON path, with [*] and on top-level arrays', () => {
    assert.deepEqual(maskJson({ a: { b: 'x', c: 'y' }, items: [{ s: 1 }, { s: 2 }] }, { paths: ['$.a.b', 'items[*].s'], detectors: [], exempt: [] }), { a: { b: '***', c: 'y' }, items: [{ s: '***' }, { s: '***' }] });
    assert.deepEqual(maskJson([{ token: 't' }, { token: null }], { paths: ['token'], detectors: [], exempt: [] }), [{ token: '***' }, { token: null }]);
  });
});

describe('response masking, audit and metrics through the gateway', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway;
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [
      { id: 'pii', path: '/rest/V1/pii', upstream: 'shop', mask: { paths: ['items[*].secret'], detectors: ['card', 'email'], exempt: ['admin'] } },
      { id: 'raw', path: '/rest/V1/pii-raw', rewrite: '/rest/V1/pii', upstream: 'shop' },
      { id: 'not-json', path: '/rest/V1/not-json', upstream: 'shop', mask: { detectors: ['email'] } },
      { id: 'cut', path: '/rest/V1/cut', upstream: 'shop', mask: { detectors: ['email'] } },
      { id: 'huge', path: '/api/huge', rewrite: '/rest/V1/huge', upstream: 'shop', mask: { detectors: ['card'] } },
    ]));
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  it('masks paths and detected values for agents', async () => {
    const r = await call(`${gw.url}/rest/V1/pii`, { headers: bearer(await issuer.token()) });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(Buffer.byteLength(r.text)));
    assert.deepEqual(r.json(), { email: 'a***@example.com', card: '****1111', note: 'call b***@shop.test, order 1234567890123', items: [{ secret: '***', n: '****4242' }, { secret: '***' }] });
    assert.equal(up.seen.at(-1)!.headers['accept-encoding'], undefined);
  });
  it('exempt caller types see the data', async () => {
    const r = await call(`${gw.url}/rest/V1/pii`, { headers: bearer(await issuer.token({ user_type: 'admin' })) });
    assert.equal((r.json() as { email: string }).email, 'alice@example.com');
  });
  it('routes without masking pass the body through', async () => {
    const r = await call(`${gw.url}/rest/V1/pii-raw`, { headers: bearer(await issuer.token()) });
    assert.equal((r.json() as { card: string }).card, '4111 1111 1111 1111');
  });

  it('a JSON response that does not parse is refused with 502, never passed through unmasked', async () => {
    const r = await call(`${gw.url}/rest/V1/not-json`, { headers: bearer(await issuer.token()) });
    assert.equal(r.status, 502);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.deepEqual(r.json(), { message: 'The upstream response could not be processed.', parameters: [] });
  });
  it('a response the upstream cuts off mid-body is a 502, not a 500', async () => {
    const r = await call(`${gw.url}/rest/V1/cut`, { headers: bearer(await issuer.token()) });
    assert.equal(r.status, 502);
    assert.deepEqual(r.json(), { message: 'The upstream response could not be processed.', parameters: [] });
  });
  it('a response too large to mask is refused with 502 (problem+json on problem routes), not a 500', async () => {
    const r = await call(`${gw.url}/api/huge`, { headers: bearer(await issuer.token()) });
    assert.equal(r.status, 502);
    assert.equal(r.headers['content-type'], 'application/problem+json');
    assert.deepEqual(r.json(), { type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'The upstream response could not be processed.' });
  });

  it('writes one audit event per request with the decision and the deciding filter', async () => {
    const t = await issuer.token({ sub: 'cust-audit', client_id: 'agent-audit', act: { sub: 'agent-audit' } });
    await call(`${gw.url}/rest/V1/pii`, { headers: bearer(t) });
    await call(`${gw.url}/rest/V1/pii`, { headers: bearer('bad.token.here') });
    await gw.rt.audit.flush();
    const rows = await gw.rt.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'gateway.request').orderBy('id').execute();
    const allow = rows.find((r) => r.subject === 'cust-audit')!;
    assert.equal(allow.outcome, 'allow');
    assert.equal(allow.client_id, 'agent-audit');
    assert.equal(allow.reason, null);
    const detail = JSON.parse(allow.detail!) as Record<string, unknown>;
    assert.deepEqual({ route: detail.route, method: detail.method, status: detail.status, ip: detail.ip, act: detail.act }, { route: 'pii', method: 'GET', status: 200, ip: '127.0.0.1', act: { sub: 'agent-audit' } });
    assert.equal(typeof detail.latencyMs, 'number');
    const denied = rows.at(-1)!;
    assert.equal(denied.outcome, 'deny');
    assert.equal(denied.reason, 'authenticate:malformed_header');
    assert.equal(JSON.parse(denied.detail!).status, 401);
  });

  it('exposes Prometheus metrics on its own registry', async () => {
    const r = await call(`${gw.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(r.text, /deputy_gateway_requests_total\{route="pii",method="GET",status="200",decision="allow"\} [1-9]/);
    assert.match(r.text, /deputy_gateway_denials_total\{filter="authenticate",reason="malformed_header"\} 1/);
    assert.match(r.text, /deputy_gateway_request_duration_seconds_bucket\{le="0\.001",route="pii"\}/);
    assert.match(r.text, /deputy_gateway_jwks_refreshes_total\{outcome="ok"\} [1-9]/);
    assert.doesNotMatch(r.text, /process_cpu/); // not the global default registry
  });
});
