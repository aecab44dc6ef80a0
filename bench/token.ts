// npm run bench:token [-- --duration 10 --rounds 2 --connections 50 --json]
// client_credentials tokens/s against Deputy and node-oidc-provider in the same run,
// each server in its own process, alternating rounds; reports the median and the ratio.
import { join } from 'node:path';
import { cpuSeconds, flag, haveWrk, loadHttp, median, startServer, type LoadResult } from './lib.ts';

interface Info { url: string; clientId: string; clientSecret: string }

const duration = flag('duration', 10);
const rounds = flag('rounds', 2);
const connections = flag('connections', 50);
const json = process.argv.includes('--json');
const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'catalog:read', resource: 'http://localhost:8080/rest' }).toString();

const targets = [
  { name: 'deputy', file: join(import.meta.dirname, 'servers/deputy-auth.ts'), port: 47100 },
  { name: 'oidc-provider', file: join(import.meta.dirname, 'servers/oidc-provider.ts'), port: 47101 },
  // The floor: Fastify + one ES256 signature per request and nothing else.
  { name: 'sign-floor', file: join(import.meta.dirname, 'servers/sign-floor.ts'), port: 47102 },
];

const generator = haveWrk() ? 'wrk' : 'autocannon';
const results: Record<string, LoadResult[]> = { deputy: [], 'oidc-provider': [], 'sign-floor': [] };
process.stderr.write(`bench:token — ${rounds} round(s) of ${duration}s, ${connections} connections\n`);
for (let round = 1; round <= rounds; round++) {
  for (const t of targets) {
    const srv = await startServer<Info>(t.file, [String(t.port)]);
    try {
      const auth = 'Basic ' + Buffer.from(`${encodeURIComponent(srv.info.clientId)}:${encodeURIComponent(srv.info.clientSecret)}`).toString('base64');
      const opts = { url: `${srv.info.url}/token`, method: 'POST' as const, body, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth }, connections };
      await loadHttp(`${t.name} warm-up`, { ...opts, duration: 2 });
      const cpuBefore = cpuSeconds(srv.child.pid!);
      const r = await loadHttp(`${t.name} round ${round}/${rounds}`, { ...opts, duration });
      // CPU time per token is steadier than tokens/s on a noisy machine.
      r.cpuUsPerRequest = ((cpuSeconds(srv.child.pid!) - cpuBefore) * 1e6) / r.total;
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${t.name}: ${r.non2xx} non-2xx responses, ${r.errors} errors`);
      results[t.name]!.push(r);
    } finally {
      await srv.stop();
    }
  }
}

const deputy = median(results.deputy!.map((r) => r.rps));
const peer = median(results['oidc-provider']!.map((r) => r.rps));
const floor = median(results['sign-floor']!.map((r) => r.rps));
const summary = {
  date: new Date().toISOString(),
  loadGenerator: generator,
  command: `npm run bench:token -- --duration ${duration} --rounds ${rounds} --connections ${connections}`,
  deputy: { tokensPerSecond: Math.round(deputy), p99ms: median(results.deputy!.map((r) => r.p99)), cpuUsPerToken: Math.round(median(results.deputy!.map((r) => r.cpuUsPerRequest ?? NaN))) },
  oidcProvider: { tokensPerSecond: Math.round(peer), p99ms: median(results['oidc-provider']!.map((r) => r.p99)), cpuUsPerToken: Math.round(median(results['oidc-provider']!.map((r) => r.cpuUsPerRequest ?? NaN))) },
  signFloor: { tokensPerSecond: Math.round(floor), p99ms: median(results['sign-floor']!.map((r) => r.p99)), cpuUsPerToken: Math.round(median(results['sign-floor']!.map((r) => r.cpuUsPerRequest ?? NaN))) },
  ratio: Number((deputy / peer).toFixed(2)),
  ofFloor: Number((deputy / floor).toFixed(2)),
  cpuRatio: 0,
  target: 3,
};
summary.cpuRatio = Number((summary.oidcProvider.cpuUsPerToken / summary.deputy.cpuUsPerToken).toFixed(2));
if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
else {
  process.stdout.write(`\nclient_credentials tokens/s (median of ${rounds}, ${connections} connections, ${generator})\n`);
  process.stdout.write(`  deputy          ${summary.deputy.tokensPerSecond}/s  p99 ${summary.deputy.p99ms.toFixed(1)} ms  ${summary.deputy.cpuUsPerToken} µs CPU/token\n`);
  process.stdout.write(`  oidc-provider   ${summary.oidcProvider.tokensPerSecond}/s  p99 ${summary.oidcProvider.p99ms.toFixed(1)} ms  ${summary.oidcProvider.cpuUsPerToken} µs CPU/token\n`);
  process.stdout.write(`  sign floor      ${summary.signFloor.tokensPerSecond}/s  p99 ${summary.signFloor.p99ms.toFixed(1)} ms  ${summary.signFloor.cpuUsPerToken} µs CPU/token (Fastify + one ES256 signature)\n`);
  process.stdout.write(`  deputy / floor  ${summary.ofFloor}×\n`);
  process.stdout.write(`  ratio           ${summary.ratio}× tokens/s, ${summary.cpuRatio}× less CPU per token (target ≥ ${summary.target}×)\n`);
}
