// npm run bench:gateway [-- --duration 10 --rounds 1 --connections 50 --rate 1000 --json]
// One run, every server in its own process, the load generator in this one:
//   direct upstream · bare undici proxy (Fastify) · HAProxy 2.6 jwt_verify ES256 ·
//   Deputy full chain with a reused token · Deputy with a fresh token per request
//   (signatures checked on the event loop, on libuv's thread pool, and on a verifier
//   thread), and with the access log switched off (the audit event per request stays),
//   and in two processes sharing the port (HAProxy uses two threads),
// then p99 latency at a fixed, evenly spaced rate (direct vs Deputy): the latency the gateway adds.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { signCompact } from '../src/crypto/jws.ts';
import { generator, loadGateway, probeLatency } from './gateway/load.ts';
import { cpuSeconds, flag, freePort, median, startServer, type LoadResult, type Started } from './lib.ts';

type Latency = Awaited<ReturnType<typeof probeLatency>>;

// --oauth1: OAuth 1.0a signed requests next to bearer JWT on a webapi route instead (bench/gateway-oauth1.ts).
if (process.argv.includes('--oauth1')) { await import('./gateway-oauth1.ts'); process.exit(0); }

const duration = flag('duration', 10);
const rounds = flag('rounds', 1);
const connections = flag('connections', 50);
const rate = flag('rate', 1000);
const json = process.argv.includes('--json');
const PATH = '/rest/V1/products?searchCriteria[pageSize]=1';
const ISSUER = 'http://bench-issuer.test';
const RESOURCE = 'http://localhost:8080/rest';

const dir = mkdtempSync(join(tmpdir(), 'deputy-bench-gateway-'));
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = 'bench-1';
writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] }));
writeFileSync(join(dir, 'pub.pem'), publicKey.export({ format: 'pem', type: 'spki' }));
const mint = (i: number) => {
  const now = Math.floor(Date.now() / 1000);
  return signCompact('ES256', kid, privateKey, { typ: 'at+jwt' }, { iss: ISSUER, sub: `user-${i % 1000}`, aud: RESOURCE, client_id: `agent-${i % 50}`, scope: 'catalog:read', iat: now, exp: now + 3600, jti: randomBytes(8).toString('hex') });
};

function ensureHaproxy(): string | undefined {
  try { execFileSync('haproxy', ['-v'], { stdio: 'ignore' }); return undefined; } catch { /* install */ }
  try {
    process.stderr.write('  installing haproxy (apt-get)…\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try { execFileSync('apt-get', ['install', '-y', '-qq', 'haproxy'], { stdio: 'ignore', env }); } catch {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
      execFileSync('apt-get', ['install', '-y', '-qq', 'haproxy'], { stdio: 'ignore', env });
    }
    return undefined;
  } catch (err) { return `haproxy unavailable: ${(err as Error).message}`; }
}

async function startHaproxy(upstream: string): Promise<Started<{ url: string }>> {
  const port = await freePort();
  const u = new URL(upstream);
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, `global
  log stdout format raw local0 emerg
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:${port}
  http-request set-var(txn.bearer) http_auth_bearer
  http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('$.alg')
  http-request deny status 401 unless { var(txn.alg) -m str ES256 }
  http-request deny status 401 unless { var(txn.bearer),jwt_verify(txn.alg,"${join(dir, 'pub.pem')}") -m int 1 }
  http-request deny status 401 unless { var(txn.bearer),jwt_payload_query('$.iss') -m str ${ISSUER} }
  http-request del-header authorization
  default_backend be
backend be
  http-reuse always
  server s1 ${u.hostname}:${u.port}
`);
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try { const r = await request(`${url}/`, { headers: { authorization: `Bearer ${mint(0)}` } }); await r.body.dump(); if (r.statusCode === 200) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { info: { url }, child, stop: () => new Promise((resolve) => { if (child.exitCode !== null) return resolve(); child.once('exit', () => resolve()); child.kill('SIGTERM'); }) };
}

async function expectStatus(url: string, token: string | undefined, status: number): Promise<void> {
  const r = await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  await r.body.dump();
  if (r.statusCode !== status) throw new Error(`${url} answered ${r.statusCode}, expected ${status}`);
}

process.stderr.write(`bench:gateway — ${rounds} round(s) of ${duration}s, ${connections} connections, ${generator}\n`);
const haproxyMissing = ensureHaproxy();
const reused = mint(1);
const freshCount = 150_000;
process.stderr.write(`  minting ${freshCount} tokens for the fresh-token run…\n`);
const tokenFile = join(dir, 'tokens.txt');
writeFileSync(tokenFile, Array.from({ length: freshCount }, (_, i) => mint(i)).join('\n') + '\n');

const upstream = await startServer<{ url: string }>(join(import.meta.dirname, 'gateway/upstream.ts'), [join(dir, 'jwks.json')]);
const servers: Array<Started<{ url: string }>> = [upstream];
const results: Record<string, LoadResult[]> = {};
const add = (name: string, r: LoadResult) => { (results[name] ??= []).push(r); if (r.errors > 0 || r.non2xx > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`); };
let latency: { direct: Latency; deputy: Latency } | undefined;
try {
  const bare = await startServer<{ url: string }>(join(import.meta.dirname, 'gateway/bare-proxy.ts'), [upstream.info.url]);
  servers.push(bare);
  const deputy = await startServer<{ url: string }>(join(import.meta.dirname, 'gateway/deputy.ts'), [ISSUER, `${upstream.info.url}/jwks`, upstream.info.url]);
  servers.push(deputy);
  const deputyPool = await startServer<{ url: string }>(join(import.meta.dirname, 'gateway/deputy.ts'), [ISSUER, `${upstream.info.url}/jwks`, upstream.info.url, 'pool']);
  servers.push(deputyPool);
  const deputyThread = await startServer<{ url: string }>(join(import.meta.dirname, 'gateway/deputy.ts'), [ISSUER, `${upstream.info.url}/jwks`, upstream.info.url, 'thread']);
  servers.push(deputyThread);
  const deputyQuiet = await startServer<{ url: string }>(join(import.meta.dirname, 'gateway/deputy.ts'), [ISSUER, `${upstream.info.url}/jwks`, upstream.info.url, 'sync', 'false']);
  servers.push(deputyQuiet);
  const deputyCluster = await startServer<{ url: string }>(join(import.meta.dirname, 'gateway/deputy-cluster.ts'), [ISSUER, `${upstream.info.url}/jwks`, upstream.info.url, '2']);
  servers.push(deputyCluster);
  const haproxy = haproxyMissing ? undefined : await startHaproxy(upstream.info.url);
  if (haproxy) servers.push(haproxy);

  // Sanity: the gateways really check tokens.
  await expectStatus(`${deputy.info.url}${PATH}`, undefined, 401);
  await expectStatus(`${deputy.info.url}${PATH}`, reused, 200);
  if (haproxy) { await expectStatus(`${haproxy.info.url}${PATH}`, undefined, 401); await expectStatus(`${haproxy.info.url}${PATH}`, `${reused.slice(0, -4)}AAAA`, 401); await expectStatus(`${haproxy.info.url}${PATH}`, reused, 200); }

  // `pid`: the process whose CPU time per request is reported (not for the cluster, whose
  // workers are other processes).
  const targets: Array<{ name: string; url: string; pid?: number; token?: string; tokenFile?: string }> = [
    { name: 'direct', url: upstream.info.url, pid: upstream.child.pid },
    { name: 'bare-proxy', url: bare.info.url, pid: bare.child.pid },
    ...(haproxy ? [{ name: 'haproxy-jwt', url: haproxy.info.url, pid: haproxy.child.pid, token: reused }] : []),
    { name: 'deputy-reused', url: deputy.info.url, pid: deputy.child.pid, token: reused },
    { name: 'deputy-no-log', url: deputyQuiet.info.url, pid: deputyQuiet.child.pid, token: reused },
    { name: 'deputy-2-procs', url: deputyCluster.info.url, token: reused },
    { name: 'deputy-fresh', url: deputy.info.url, pid: deputy.child.pid, tokenFile },
    { name: 'deputy-fresh-pool', url: deputyPool.info.url, pid: deputyPool.child.pid, tokenFile },
    { name: 'deputy-fresh-thread', url: deputyThread.info.url, pid: deputyThread.child.pid, tokenFile },
  ];
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      const o = { url: `${t.url}${PATH}`, connections, ...(t.token ? { token: t.token } : {}), ...(t.tokenFile ? { tokenFile: t.tokenFile } : {}) };
      await loadGateway(`${t.name} warm-up`, { ...o, duration: 2 });
      const cpu0 = t.pid ? cpuSeconds(t.pid) : NaN;
      const r = await loadGateway(`${t.name} round ${round}/${rounds}`, { ...o, duration });
      const cpu = t.pid ? cpuSeconds(t.pid) - cpu0 : NaN;
      add(t.name, { ...r, ...(Number.isFinite(cpu) ? { cpuUsPerRequest: Math.round((cpu * 1e6) / Math.max(1, r.total)) } : {}) });
    }
  }
  // Latency the gateway adds, away from saturation: evenly spaced requests at a fixed rate.
  const probe = (name: string, url: string, token?: string) => probeLatency(name, { url: `${url}${PATH}`, rate, duration, connections, ...(token ? { token } : {}) });
  const d1 = await probe('direct', upstream.info.url);
  const g1 = await probe('deputy', deputy.info.url, reused);
  const d2 = await probe('direct', upstream.info.url);
  const g2 = await probe('deputy', deputy.info.url, reused);
  if (d1.errors + d2.errors + g1.errors + g2.errors > 0) throw new Error('latency probe: errors');
  latency = { direct: d1.p99 <= d2.p99 ? d1 : d2, deputy: g1.p99 <= g2.p99 ? g1 : g2 };
} finally {
  for (const s of servers.reverse()) await s.stop();
}

const rps = (n: string) => (results[n] ? Math.round(median(results[n].map((r) => r.rps))) : undefined);
const p99 = (n: string) => (results[n] ? median(results[n].map((r) => r.p99)) : undefined);
const cpu = (n: string) => { const v = (results[n] ?? []).map((r) => r.cpuUsPerRequest).filter((x): x is number => x !== undefined); return v.length ? Math.round(median(v)) : undefined; };
const ratio = (a?: number, b?: number) => (a && b ? Number((a / b).toFixed(2)) : undefined);
const summary = {
  date: new Date().toISOString(),
  loadGenerator: generator,
  command: `npm run bench:gateway -- --duration ${duration} --rounds ${rounds} --connections ${connections} --rate ${rate}`,
  reqPerSecond: Object.fromEntries(Object.keys(results).map((n) => [n, rps(n)])),
  p99ms: Object.fromEntries(Object.keys(results).map((n) => [n, p99(n)])),
  // CPU (user + system) of the target's process per request: steadier than req/s when a
  // neighbour takes cores mid-run, since it does not count the time a process waits.
  cpuUsPerRequest: Object.fromEntries(Object.keys(results).map((n) => [n, cpu(n)])),
  ratios: {
    deputyVsHaproxy: ratio(rps('deputy-reused'), rps('haproxy-jwt')),
    deputyVsBareProxy: ratio(rps('deputy-reused'), rps('bare-proxy')),
    deputyNoLogVsBareProxy: ratio(rps('deputy-no-log'), rps('bare-proxy')),
    deputyNoLogVsHaproxy: ratio(rps('deputy-no-log'), rps('haproxy-jwt')),
    deputy2ProcsVsHaproxy: ratio(rps('deputy-2-procs'), rps('haproxy-jwt')),
    deputy2ProcsVsBareProxy: ratio(rps('deputy-2-procs'), rps('bare-proxy')),
    freshVsReused: ratio(rps('deputy-fresh'), rps('deputy-reused')),
    // Bare proxy CPU per request ÷ Deputy's: the share of the bare proxy's efficiency kept.
    deputyCpuEfficiencyVsBareProxy: ratio(cpu('bare-proxy'), cpu('deputy-reused')),
    deputyNoLogCpuEfficiencyVsBareProxy: ratio(cpu('bare-proxy'), cpu('deputy-no-log')),
    freshPoolVsSync: ratio(rps('deputy-fresh-pool'), rps('deputy-fresh')),
    freshThreadVsSync: ratio(rps('deputy-fresh-thread'), rps('deputy-fresh')),
  },
  // Best of two probes each (the machine is shared; a probe that met a neighbour's burst says little).
  fixedRate: latency && { rate, direct: latency.direct, deputy: latency.deputy, p99DirectMs: latency.direct.p99, p99DeputyMs: latency.deputy.p99, p99AddedMs: Number((latency.deputy.p99 - latency.direct.p99).toFixed(2)), p50AddedMs: Number((latency.deputy.p50 - latency.direct.p50).toFixed(2)) },
  targets: { deputyVsHaproxy: 1.5, deputyVsBareProxy: 0.7, p99AddedMs: 2 },
  ...(haproxyMissing ? { haproxy: haproxyMissing } : {}),
};
if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
else {
  process.stdout.write(`\ngateway req/s (median of ${rounds}, ${connections} connections, ${generator})\n`);
  for (const n of Object.keys(results)) process.stdout.write(`  ${n.padEnd(19)} ${String(rps(n)).padStart(7)}/s  p99 ${p99(n)} ms${cpu(n) !== undefined ? `  CPU ${cpu(n)} µs/req` : ''}\n`);
  process.stdout.write(`  Deputy / HAProxy     ${summary.ratios.deputyVsHaproxy ?? 'n/a'}× (target ≥ 1.5×)\n`);
  process.stdout.write(`  Deputy / bare proxy  ${summary.ratios.deputyVsBareProxy}× (target ≥ 0.7×)\n`);
  process.stdout.write(`  without access log: ${summary.ratios.deputyNoLogVsBareProxy}× bare proxy, ${summary.ratios.deputyNoLogVsHaproxy ?? 'n/a'}× HAProxy\n`);
  process.stdout.write(`  2 processes:         ${summary.ratios.deputy2ProcsVsBareProxy}× bare proxy, ${summary.ratios.deputy2ProcsVsHaproxy ?? 'n/a'}× HAProxy (2 threads)\n`);
  process.stdout.write(`  CPU per request, bare proxy / Deputy: ${summary.ratios.deputyCpuEfficiencyVsBareProxy ?? 'n/a'}× (without access log ${summary.ratios.deputyNoLogCpuEfficiencyVsBareProxy ?? 'n/a'}×)\n`);
  process.stdout.write(`  fresh / reused token ${summary.ratios.freshVsReused}×\n`);
  process.stdout.write(`  fresh: pool / sync   ${summary.ratios.freshPoolVsSync}×, thread / sync ${summary.ratios.freshThreadVsSync}×\n`);
  if (summary.fixedRate) process.stdout.write(`  at ${rate} req/s evenly spaced: p50 direct ${summary.fixedRate.direct.p50} / Deputy ${summary.fixedRate.deputy.p50} ms, p99 direct ${summary.fixedRate.p99DirectMs} / Deputy ${summary.fixedRate.p99DeputyMs} ms → added p99 ${summary.fixedRate.p99AddedMs} ms (target ≤ 2 ms)\n`);
}
