// Load generation for bench:gateway: wrk (C, one thread) when available — it leaves the
// servers more of the two cores than autocannon — with a Lua script that can rotate
// through a file of tokens (a fresh token per request); autocannon otherwise; and an
// evenly spaced open-loop probe for latency.
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { haveWrk, load, loadWrk, type LoadResult } from '../lib.ts';

export interface GatewayLoad { url: string; connections: number; duration: number; token?: string; tokenFile?: string }

/** wrk with a Lua request() that sends the next token of the file each time (a fresh token per request). */
function wrkTokens(label: string, o: GatewayLoad): Promise<LoadResult> {
  return loadWrk(`${label} (fresh token per request)`, {
    url: o.url, connections: o.connections, duration: o.duration,
    lua: [
      'local tokens = {}',
      `for line in io.lines(${JSON.stringify(o.tokenFile)}) do tokens[#tokens + 1] = line end`,
      'local i = 0',
      'request = function()',
      '  i = i + 1',
      '  if i > #tokens then i = 1 end',
      '  return wrk.format(nil, nil, { Authorization = "Bearer " .. tokens[i] })',
      'end',
    ],
  });
}

export const generator = haveWrk() ? 'wrk' : 'autocannon';

export function loadGateway(label: string, o: GatewayLoad): Promise<LoadResult> {
  if (generator === 'wrk') {
    if (o.tokenFile) return wrkTokens(label, o);
    return loadWrk(label, { url: o.url, connections: o.connections, duration: o.duration, headers: o.token ? { authorization: `Bearer ${o.token}` } : {} });
  }
  if (o.tokenFile) {
    const tokens = readFileSync(o.tokenFile, 'utf8').trim().split('\n');
    let i = 0;
    return load(label, { url: o.url, connections: o.connections, duration: o.duration, requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[i++ % tokens.length]}` } }) }] });
  }
  return load(label, { url: o.url, connections: o.connections, duration: o.duration, headers: o.token ? { authorization: `Bearer ${o.token}` } : {} });
}

/**
 * Open-loop latency probe: `rate` requests a second, evenly spaced (not in bursts, as
 * autocannon's overallRate sends them), over a pool of `connections` keep-alive
 * connections; each request is timed from send to the last body byte.
 */
export async function probeLatency(label: string, o: { url: string; rate: number; duration: number; connections: number; token?: string }): Promise<{ label: string; p50: number; p90: number; p99: number; max: number; errors: number; sent: number }> {
  process.stderr.write(`  probing ${label} at ${o.rate} req/s, evenly spaced, for ${o.duration}s…\n`);
  const u = new URL(o.url);
  const pool = new Pool(u.origin, { connections: o.connections });
  const headers = o.token ? { authorization: `Bearer ${o.token}` } : {};
  const times: number[] = [];
  let errors = 0;
  const inflight: Array<Promise<void>> = [];
  const one = async () => {
    const t0 = performance.now();
    try {
      const r = await pool.request({ path: u.pathname + u.search, method: 'GET', headers });
      await r.body.dump();
      if (r.statusCode !== 200) errors++;
      times.push(performance.now() - t0);
    } catch { errors++; }
  };
  const start = performance.now();
  const total = o.rate * o.duration;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(one());
  }
  await Promise.all(inflight);
  await pool.close();
  times.sort((a, b) => a - b);
  const q = (p: number) => Number((times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN).toFixed(2));
  return { label, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1), errors, sent: total };
}
