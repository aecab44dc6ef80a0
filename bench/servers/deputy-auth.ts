// Benchmark target: Deputy's authorization server in a process of its own, embedded
// SQLite store, one client. Prints {url, clientId, clientSecret} on stdout when ready.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthServer } from '../../src/auth/server.ts';
import { validateConfig } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { createRuntime } from '../../src/runtime.ts';

const port = Number(process.argv[2] ?? 0);
const dataDir = mkdtempSync(join(tmpdir(), 'deputy-bench-'));
const issuer = `http://127.0.0.1:${port}`;
const config = validateConfig({ issuer, dataDir, masterKey: Buffer.alloc(32, 1).toString('base64'), logLevel: 'silent', auth: { clientAuth: { maxFailures: 1000 } } });
const rt = await createRuntime(config, silentLogger());
const { app, services } = await createAuthServer(rt);
const { client, clientSecret } = await services.clients.create({ client_name: 'bench', grant_types: ['client_credentials'], scope: 'catalog:read cart:write' }, { createdBy: 'cli' });
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url: issuer, clientId: client.clientId, clientSecret }) + '\n');
process.on('SIGTERM', () => { void app.close().then(() => rt.close()).then(() => process.exit(0)); });
