// Benchmark upstream: a tiny JSON endpoint, and the issuer's JWKS (from a file) at /jwks.
// Prints {url} on stdout when ready.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const jwks = readFileSync(process.argv[2]!, 'utf8');
const body = JSON.stringify({ items: [{ sku: 'A-1', name: 'Deputy mug', price: 12.5 }], total_count: 1 });
const server = createServer((req, res) => {
  if (req.url === '/jwks') { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(jwks) }); res.end(jwks); return; }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }) + '\n'));
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
