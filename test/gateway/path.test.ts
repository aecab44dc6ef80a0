import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { joinSegments, normalisePath, PathError } from '../../src/gateway/path.ts';
import { bearer, gatewayConfig, rawCall, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

const reasonOf = (p: string) => { try { normalisePath(p); return 'ok'; } catch (e) { return (e as PathError).reason; } };

describe('normalisePath', () => {
  it('decodes, resolves dot segments and collapses slashes', () => {
    assert.deepEqual(normalisePath('/rest//V1/./products/%41bc/../x/'), ['rest', 'V1', 'products', 'x']);
    assert.deepEqual(normalisePath('/rest/V1/%2e%2e/admin'), ['rest', 'admin']);
    assert.deepEqual(normalisePath('/a/%2E/b'), ['a', 'b']);
    assert.deepEqual(normalisePath('/a/b%20c'), ['a', 'b c']);
  });
  it('rejects encoded separators, bad encodings, controls, matrix params and climbing above root', () => {
    assert.equal(reasonOf('/rest/V1/a%2Fb'), 'path_encoded_separator');
    assert.equal(reasonOf('/rest/V1/a%2fb'), 'path_encoded_separator');
    assert.equal(reasonOf('/rest/V1/a%5Cb'), 'path_encoded_separator');
    assert.equal(reasonOf('/rest\\V1'), 'path_backslash');
    assert.equal(reasonOf('/rest/%00'), 'path_encoded_separator');
    assert.equal(reasonOf('/rest/%zz'), 'path_bad_encoding');
    assert.equal(reasonOf('/rest/..;/admin'), 'path_semicolon');
    assert.equal(reasonOf('/../etc/passwd'), 'path_traversal');
    assert.equal(reasonOf('/rest/%2e%2e/%2e%2e/etc'), 'path_traversal');
    assert.equal(reasonOf('*'), 'path_not_absolute');
  });
  it('re-encodes segments for the upstream so a decoded value cannot become syntax', () => {
    assert.equal(joinSegments(['rest', 'a b', '%2e%2e', '?x']), '/rest/a%20b/%252e%252e/%3Fx');
  });
});

describe('traversal tricks over HTTP', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway; let token: string;
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [
      { id: 'public', path: '/rest/V1/public/*', upstream: 'shop', permission: { anonymous: true } },
      { id: 'admin', path: '/rest/V1/admin/*', upstream: 'shop', permission: { acl: 'Magento_Backend::admin' } },
    ]));
    token = await issuer.token();
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  const tricks = [
    '/rest/V1/public/../admin/users',
    '/rest/V1/public/%2e%2e/admin/users',
    '/rest/V1/public/%2E%2E/admin/users',
    '/rest/V1/public/.%2e/admin/users',
    '/rest/V1/public//../admin/users',
    '/rest/V1/public/./../admin/users',
    '/rest/V1//public/../admin/users',
  ];
  for (const path of tricks) {
    it(`${path} reaches the admin route's checks, never the public route`, async () => {
      const before = up.seen.length;
      const r = await rawCall(gw.url, path, { headers: bearer(token) });
      assert.equal(r.status, 403);
      assert.deepEqual(r.json(), { message: 'The caller is not authorized for Magento_Backend::admin.', parameters: [] });
      assert.equal(up.seen.length, before);
    });
  }
  for (const path of ['/rest/V1/public/..%2fadmin/users', '/rest/V1/public/..%2Fadmin/users', '/rest/V1/public/..%5cadmin/users', '/rest/V1/public/..\\admin/users', '/rest/V1/public/..;/admin/users']) {
    it(`${path} is refused with 400`, async () => {
      const before = up.seen.length;
      const r = await rawCall(gw.url, path);
      assert.equal(r.status, 400);
      assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.deepEqual(r.json(), { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The request path is not acceptable.' });
      assert.equal(up.seen.length, before);
    });
  }
  it('a malformed percent-encoding is a 400 problem', async () => {
    const r = await rawCall(gw.url, '/rest/V1/public/x%zz');
    assert.equal(r.status, 400);
    assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal((r.json() as { status: number }).status, 400);
  });
  it('forwards the normalised path, not the raw one', async () => {
    const r = await rawCall(gw.url, '/rest//V1/public/./a/../b%20c?q=1');
    assert.equal(r.status, 200);
    assert.equal(up.seen.at(-1)!.url, '/rest/V1/public/b%20c?q=1');
  });
  it('double-encoded dots stay data upstream', async () => {
    const r = await rawCall(gw.url, '/rest/V1/public/%252e%252e/admin');
    assert.equal(r.status, 200);
    assert.equal(up.seen.at(-1)!.url, '/rest/V1/public/%252e%252e/admin');
  });
  it('answers 404 for unrouted paths and 405 with Allow for a wrong method', async () => {
    const r = await rawCall(gw.url, '/nowhere');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no route for GET /nowhere' });
    const m = await rawCall(gw.url, '/rest/V1/public/x', { method: 'DELETE' });
    assert.equal(m.status, 405);
    assert.equal(m.headers.allow, 'GET');
  });
});
