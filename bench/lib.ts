// Shared benchmark plumbing: child-process servers, autocannon runs, progress, reports.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createServer as createNetServer } from 'node:net';
import autocannon from 'autocannon';

export interface Started<T> { info: T; child: ChildProcess; stop(): Promise<void> }

/** Runs a TypeScript server file in its own Node process; resolves with the JSON line it prints. */
export async function startServer<T>(file: string, args: string[] = []): Promise<Started<T>> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<T>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => { try { resolve(JSON.parse(line) as T); } catch (e) { reject(e); } });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return {
    info, child,
    stop: () => new Promise((resolve) => { if (child.exitCode !== null) return resolve(); child.once('exit', () => resolve()); child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 3000).unref(); }),
  };
}

/** A free TCP port on 127.0.0.1, for a child server that must know its URL before it listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address() as { port: number }; srv.close(() => resolve(port)); });
  });
}

export interface LoadResult { label: string; rps: number; p50: number; p99: number; non2xx: number; errors: number; total: number; cpuUsPerRequest?: number }

export async function load(label: string, opts: autocannon.Options): Promise<LoadResult> {
  process.stderr.write(`  running ${label} for ${opts.duration}s with ${opts.connections} connections…\n`);
  const r = await autocannon({ ...opts });
  return { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts, total: r.requests.total };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

import { execFileSync, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * wrk (C, epoll) drives far more load per core than autocannon, which on two cores
 * becomes the bottleneck before the server does. Installed from Debian when missing.
 */
export function haveWrk(): boolean {
  try { execFileSync('wrk', ['--version'], { stdio: 'ignore' }); return true; } catch (err) {
    if ((err as { status?: number }).status === 1) return true; // wrk --version exits 1 after printing
  }
  try {
    process.stderr.write('  installing wrk (apt-get)…\n');
    execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return true;
  } catch {
    return false;
  }
}

export interface HttpLoad { url: string; method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string>; connections: number; duration: number; /** Extra Lua lines for wrk (e.g. a request() function). */ lua?: string[] }

function lua(s: string): string { return JSON.stringify(s); }

function parseMs(v: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(v);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

export async function loadWrk(label: string, o: HttpLoad): Promise<LoadResult> {
  process.stderr.write(`  running ${label} for ${o.duration}s with ${o.connections} connections (wrk)…\n`);
  const dir = mkdtempSync(join(tmpdir(), 'deputy-wrk-'));
  const script = join(dir, 'req.lua');
  const lines = [`wrk.method = ${lua(o.method ?? 'GET')}`];
  if (o.body !== undefined) lines.push(`wrk.body = ${lua(o.body)}`);
  for (const [k, v] of Object.entries(o.headers ?? {})) lines.push(`wrk.headers[${lua(k)}] = ${lua(v)}`);
  if (o.lua) lines.push(...o.lua);
  writeFileSync(script, lines.join('\n') + '\n');
  const out = await new Promise<string>((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${o.connections}`, `-d${o.duration}s`, '--latency', '-s', script, o.url], { timeout: (o.duration + 30) * 1000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const p50 = parseMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = parseMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { label, rps, p50, p99, non2xx, errors, total };
}

/** wrk when it can be had, else autocannon. */
export async function loadHttp(label: string, o: HttpLoad): Promise<LoadResult> {
  if (haveWrk()) return loadWrk(label, o);
  return load(label, { url: o.url, method: o.method ?? 'GET', ...(o.body !== undefined ? { body: o.body } : {}), headers: o.headers ?? {}, connections: o.connections, duration: o.duration });
}

import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) a process has used so far, from /proc; NaN elsewhere. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}
