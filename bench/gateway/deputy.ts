// Benchmark target: Deputy's gateway with its full chain (IP rules, size limit, JWT
// authentication with the verified-token cache, revocation check, scope permission,
// rate limit, request transform with identity token, forward, audit, metrics, access
// log) in a process of its own. Prints {url} on stdout when ready.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/schema.ts';
import { createGatewayServer } from '../../src/gateway/server.ts';
import { pino } from 'pino';
import { createLogger } from '../../src/platform/logger.ts';
import { createRuntime } from '../../src/runtime.ts';

const [issuer, jwksUri, upstream, signatures = 'sync', accessLog = 'true', port = '0'] = process.argv.slice(2) as [string, string, string, string?, string?, string?];
const dataDir = mkdtempSync(join(tmpdir(), 'deputy-bench-gw-'));
const config = validateConfig({
  issuer, dataDir, masterKey: Buffer.alloc(32, 2).toString('base64'), logLevel: 'info',
  gateway: {
    issuer, jwksUri, signatures, accessLog: accessLog === 'true',
    ip: { deny: ['192.0.2.0/24'] },
    rateLimits: { default: { points: 100_000_000, duration: 60, by: ['agent', 'person'] } },
    upstreams: { shop: { url: upstream, connections: 128 } },
    routes: [{ id: 'products', methods: ['GET'], path: '/rest/V1/*', upstream: 'shop', permission: { scopes: ['catalog:read'] } }],
  },
});
// The access log is written as in production (pino on a file descriptor, buffered in
// 4 KiB writes), to /dev/null.
const log = createLogger({ level: 'info', name: 'gateway', destination: pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }) as unknown as NodeJS.WritableStream });
const rt = await createRuntime(config, log);
const gw = await createGatewayServer(rt);
const url = await gw.app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url }) + '\n');
process.on('SIGTERM', () => { void gw.close().then(() => rt.close()).then(() => process.exit(0)); });
