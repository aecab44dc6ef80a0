import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { gatewayConfig, startGateway, startIssuer, type Gateway, type Issuer, type Upstream } from './helpers.ts';

// What reaches the client through forward: small bodies (buffered), large and open-ended
// ones (streamed with backpressure), HEAD, repeated headers, and an upstream that dies
// mid-body (the client sees the cut, never a hang or a 200 with a short body that looks whole).

const BIG = Buffer.alloc(3 * 1024 * 1024 + 17, 0);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31) & 0xff;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function startOddUpstream(): Promise<Upstream & { server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/rest/V1/small') { res.setHeader('set-cookie', ['a=1', 'b=2']); res.writeHead(200, { 'content-type': 'text/plain', 'x-multi': 'one' }); res.end('hello'); return; }
    if (req.url === '/rest/V1/big-length') { res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG.length }); res.end(BIG); return; }
    if (req.url === '/rest/V1/big-chunked') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let off = 0;
      const next = () => { if (off >= BIG.length) { res.end(); return; } const end = Math.min(off + 65_536, BIG.length); const ok = res.write(BIG.subarray(off, end)); off = end; if (ok) setImmediate(next); else res.once('drain', next); };
      next();
      return;
    }
    if (req.url === '/rest/V1/dies') { res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG.length }); res.write(BIG.subarray(0, 200_000)); setTimeout(() => req.socket.destroy(), 30); return; }
    res.writeHead(404); res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen: [],
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  })));
}

describe('forward: bodies and headers from the upstream', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway;
  before(async () => {
    issuer = await startIssuer();
    up = await startOddUpstream();
    gw = await startGateway(gatewayConfig(issuer, up, [{ id: 'any', path: '/rest/V1/*', methods: ['GET', 'HEAD'], upstream: 'shop', permission: { anonymous: true } }]));
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  it('a small body arrives whole, repeated headers stay repeated', async () => {
    const r = await request(`${gw.url}/rest/V1/small`);
    assert.equal(r.statusCode, 200);
    assert.equal(await r.body.text(), 'hello');
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(r.headers['x-multi'], 'one');
  });

  it('large bodies, with and without a length, are streamed byte for byte', async () => {
    for (const path of ['/rest/V1/big-length', '/rest/V1/big-chunked']) {
      const r = await request(`${gw.url}${path}`);
      assert.equal(r.statusCode, 200);
      const body = Buffer.from(await r.body.arrayBuffer());
      assert.equal(body.length, BIG.length, path);
      assert.equal(sha(body), sha(BIG), path);
    }
  });

  it('a slow reader gets every byte', async () => {
    const r = await request(`${gw.url}/rest/V1/big-chunked`, { highWaterMark: 1024 });
    const parts: Buffer[] = [];
    for await (const c of r.body) { parts.push(c as Buffer); if (parts.length % 8 === 0) await new Promise((res) => setTimeout(res, 1)); }
    assert.equal(sha(Buffer.concat(parts)), sha(BIG));
  });

  it('HEAD gets the headers and no body', async () => {
    const r = await request(`${gw.url}/rest/V1/big-length`, { method: 'HEAD' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-length'], String(BIG.length));
    assert.equal((await r.body.arrayBuffer()).byteLength, 0);
  });

  it('an upstream that dies mid-body cuts the client off', async () => {
    const r = await request(`${gw.url}/rest/V1/dies`);
    assert.equal(r.statusCode, 200, 'the headers were already on their way');
    await assert.rejects(r.body.arrayBuffer(), 'the body ends in an error, not a short success');
  });
});
