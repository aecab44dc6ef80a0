// npm run bench:gateway -- --oauth1 [--duration 10 --rounds 1 --connections 50 --json]
// (or directly: node bench/gateway-oauth1.ts …)
// One gateway process with a webapi route (the Magento profile) in front of the bench
// upstream, loaded in the same run with: a bearer JWT (reused token: the verified-token
// cache hit, the common case), an agent API key, and OAuth 1.0a signed requests made by
// the oauth-1.0a package (fresh nonce and HMAC-SHA256 signature per request, signed in
// this process, so the load generator shares the two cores with that work too).
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OAuth from 'oauth-1.0a';
import { signCompact } from '../src/crypto/jws.ts';
import { cpuSeconds, flag, load, median, startServer, type LoadResult, type Started } from './lib.ts';

const ISSUER = 'http://bench-issuer.test';
const RESOURCE = 'http://localhost:8080/rest';
const PATH = '/rest/V1/products?searchCriteria[pageSize]=1';

interface ServeInfo { url: string; consumerKey: string; consumerSecret: string; accessToken: string; accessTokenSecret: string; apiKey: string }

/** The gateway process: runtime + integration (activated without callback) + API key + gateway. */
async function serve(jwksUri: string, upstream: string): Promise<void> {
  const { validateConfig } = await import('../src/config/schema.ts');
  const { createGatewayServer } = await import('../src/gateway/server.ts');
  const { ApiKeyStore } = await import('../src/gateway/api-keys.ts');
  const { magentoAuth } = await import('../src/magento/token-services/magento-auth.ts');
  const { silentLogger } = await import('../src/platform/logger.ts');
  const { createRuntime } = await import('../src/runtime.ts');
  const config = validateConfig({
    issuer: ISSUER, dataDir: mkdtempSync(join(tmpdir(), 'deputy-bench-oauth1-')), masterKey: Buffer.alloc(32, 2).toString('base64'), logLevel: 'silent',
    magento: { adminTotp: false },
    gateway: {
      issuer: ISSUER, jwksUri, accessLog: false,
      rateLimits: { default: { points: 100_000_000, duration: 60, by: ['agent', 'person'] } },
      upstreams: { shop: { url: upstream, connections: 128 } },
      routes: [{ id: 'rest', methods: ['GET'], path: '/rest/*', upstream: 'shop', webapi: true }],
    },
  });
  const rt = await createRuntime(config, silentLogger());
  const m = magentoAuth(rt);
  await m.integrations.create({ name: 'Bench catalog', resources: ['Magento_Catalog::catalog'] });
  const creds = (await m.integrations.activate('Bench catalog')).credentials!;
  const { key } = await new ApiKeyStore(rt.store.db as never).create({ name: 'bench', clientId: 'bench-agent', userType: 'agent', scope: 'catalog:read', ttl: 86_400 }, Math.floor(Date.now() / 1000));
  const gw = await createGatewayServer(rt);
  const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(JSON.stringify({ url, ...creds, apiKey: key } satisfies ServeInfo) + '\n');
  process.on('SIGTERM', () => { void gw.close().then(() => rt.close()).then(() => process.exit(0)); });
}

type SetupRequest = (req: { headers?: Record<string, string> }) => { headers: Record<string, string> };

/** One autocannon run; `cpuUsPerRequest` is the gateway process's CPU (user + system) per request. */
async function run(label: string, url: string, pid: number, o: { connections: number; duration: number; headers?: Record<string, string>; setup?: SetupRequest }): Promise<LoadResult> {
  const cpu0 = cpuSeconds(pid);
  const r = await load(label, { url, connections: o.connections, duration: o.duration, ...(o.headers ? { headers: o.headers } : {}), ...(o.setup ? { requests: [{ setupRequest: o.setup }] } : {}) });
  const cpu = cpuSeconds(pid) - cpu0;
  return { ...r, cpuUsPerRequest: Math.round((cpu * 1e6) / Math.max(1, r.total)) };
}

async function main(): Promise<void> {
  const duration = flag('duration', 10);
  const rounds = flag('rounds', 1);
  const connections = flag('connections', 50);
  const json = process.argv.includes('--json');
  const dir = mkdtempSync(join(tmpdir(), 'deputy-bench-oauth1-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bench-1', alg: 'ES256', use: 'sig' }] }));
  const servers: Array<Started<unknown>> = [];
  try {
    const upstream = await startServer<{ url: string }>(join(import.meta.dirname, 'gateway/upstream.ts'), [join(dir, 'jwks.json')]);
    servers.push(upstream);
    const gw = await startServer<ServeInfo>(import.meta.filename, ['--serve', `${upstream.info.url}/jwks`, upstream.info.url]);
    servers.push(gw);
    const url = `${gw.info.url}${PATH}`;
    const now = Math.floor(Date.now() / 1000);
    const jwt = signCompact('ES256', 'bench-1', privateKey, { typ: 'at+jwt' }, { iss: ISSUER, sub: 'agent-1', aud: RESOURCE, client_id: 'agent-1', scope: 'catalog:read', iat: now, exp: now + 3600, jti: randomBytes(8).toString('hex') });
    const oauth = new OAuth({ consumer: { key: gw.info.consumerKey, secret: gw.info.consumerSecret }, signature_method: 'HMAC-SHA256', hash_function: (base, k) => createHmac('sha256', k).update(base).digest('base64') });
    const token = { key: gw.info.accessToken, secret: gw.info.accessTokenSecret };
    const signedHeader = () => oauth.toHeader(oauth.authorize({ url, method: 'GET' }, token)).Authorization;
    // Sanity: each credential gets 200 before loading.
    for (const [name, h] of [['jwt', `Bearer ${jwt}`], ['api key', `Bearer ${gw.info.apiKey}`], ['oauth1', signedHeader()]] as const) {
      const r = await fetch(url, { headers: { authorization: h } });
      if (r.status !== 200) throw new Error(`${name}: ${r.status} ${await r.text()}`);
    }
    const results: Record<string, LoadResult[]> = { jwt: [], apiKey: [], oauth1: [] };
    for (let i = 0; i < rounds; i++) {
      results.jwt!.push(await run('bearer JWT (reused)', url, gw.child.pid!, { connections, duration, headers: { authorization: `Bearer ${jwt}` } }));
      results.apiKey!.push(await run('API key', url, gw.child.pid!, { connections, duration, headers: { authorization: `Bearer ${gw.info.apiKey}` } }));
      results.oauth1!.push(await run('OAuth 1.0a signed', url, gw.child.pid!, { connections, duration, setup: (req) => ({ ...req, headers: { ...req.headers, authorization: signedHeader() } }) }));
    }
    const rps = (k: string) => Math.round(median(results[k]!.map((r) => r.rps)));
    const p99 = (k: string) => median(results[k]!.map((r) => r.p99));
    const cpu = (k: string) => median(results[k]!.map((r) => r.cpuUsPerRequest ?? NaN));
    const bad = (k: string) => results[k]!.reduce((a, r) => a + r.non2xx + r.errors, 0);
    const summary = { duration, rounds, connections, rps: { jwt: rps('jwt'), apiKey: rps('apiKey'), oauth1: rps('oauth1') }, p99: { jwt: p99('jwt'), apiKey: p99('apiKey'), oauth1: p99('oauth1') }, gatewayCpuUsPerRequest: { jwt: cpu('jwt'), apiKey: cpu('apiKey'), oauth1: cpu('oauth1') }, non2xxOrErrors: { jwt: bad('jwt'), apiKey: bad('apiKey'), oauth1: bad('oauth1') }, oauth1VsJwt: Math.round((rps('oauth1') / rps('jwt')) * 100) / 100 };
    if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      process.stdout.write(`\nwebapi route req/s (median of ${rounds}, ${connections} connections, autocannon)\n`);
      for (const k of ['jwt', 'apiKey', 'oauth1']) process.stdout.write(`  ${k.padEnd(7)} ${String(rps(k)).padStart(7)}/s  p99 ${p99(k)} ms  gateway CPU ${cpu(k)} µs/req  non-2xx/errors ${bad(k)}\n`);
      process.stdout.write(`  OAuth 1.0a / bearer JWT ${summary.oauth1VsJwt}×\n`);
    }
  } finally {
    for (const s of servers.reverse()) await s.stop();
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) await serve(process.argv[serveAt + 1]!, process.argv[serveAt + 2]!);
else await main();
