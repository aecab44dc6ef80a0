// `npm run bench:flows`: complete authorization-code + PKCE flows per second and refresh
// rotations per second, on SQLite and on PostgreSQL. The server runs in a child process
// (this file with --serve) so the load generator does not share its event loop.
//
//   returning flow: signed-in person, consent remembered: GET /authorize → 303 with code → POST /token
//   first flow:     new browser: /authorize → /interaction → POST /login (scrypt) → consent page
//                   → POST consent → code → POST /token
//   refresh:        POST /token grant_type=refresh_token, each worker following its own rotation chain
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Agent, request } from 'undici';
import { freePort, median, startServer } from './lib.ts';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from '../src/crypto/password.ts';

const PASSWORD = 'bench-password-1';
const REDIRECT = 'https://agent.example/cb';
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface Info { issuer: string; clientId: string; secret: string; users: string[]; ccBasic: string }

async function serve(backend: string, userCount: number): Promise<void> {
  const { validateConfig } = await import('../src/config/schema.ts');
  const { createRuntime } = await import('../src/runtime.ts');
  const { createAuthServer } = await import('../src/auth/server.ts');
  const { silentLogger } = await import('../src/platform/logger.ts');
  const { openStore } = await import('../src/store/database.ts');
  const { migrateToLatest } = await import('../src/store/migrate.ts');
  const { UserService } = await import('../src/auth/users/user-service.ts');
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'deputy-bench-flows-'));
  let schema: string | undefined;
  let store: import('../src/store/database.ts').Store | undefined;
  if (backend === 'postgres') {
    schema = `bench_${randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect(); await c.query(`CREATE SCHEMA ${schema}`); await c.end();
    store = openStore({ url: PG_URL, schema, poolSize: 16 });
    await migrateToLatest(store.db as never);
  }
  const config = validateConfig({
    issuer, dataDir, masterKey: Buffer.alloc(32, 3).toString('base64'), logLevel: 'silent',
    auth: { clientAuth: { maxFailures: 10_000 } },
    users: { lockout: { ip: { maxFailures: 1000, window: 60 }, customer: { maxFailures: 1000, window: 60 } } },
  });
  const rt = await createRuntime(config, silentLogger(), store ? { store, migrate: false } : {});
  const { app, services } = await createAuthServer(rt);
  const users = new UserService(rt);
  const names: string[] = [];
  for (let i = 0; i < userCount; i++) {
    const username = `bench${i}@example.com`;
    await users.create({ username, type: 'customer', password: PASSWORD });
    names.push(username);
  }
  const { client, clientSecret } = await services.clients.create({
    client_name: 'Bench agent', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'catalog:read cart:write offline_access',
  }, { createdBy: 'cli' });
  // Baseline in the same run: an agent acting as itself (one client auth + one signature).
  const cc = await services.clients.create({ client_name: 'Bench cc', grant_types: ['client_credentials'], scope: 'catalog:read' }, { createdBy: 'cli' });
  const ccBasic = `Basic ${Buffer.from(`${cc.client.clientId}:${cc.clientSecret}`).toString('base64')}`;
  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ issuer, clientId: client.clientId, secret: clientSecret ?? '', users: names, ccBasic } satisfies Info)}\n`);
  process.on('SIGTERM', () => {
    void (async () => {
      await app.close(); await rt.close();
      if (store) await store.close();
      if (schema) { const c = new pg.Client({ connectionString: PG_URL }); await c.connect(); await c.query(`DROP SCHEMA ${schema} CASCADE`); await c.end(); }
      process.exit(0);
    })();
  });
}

// ---- load generator -------------------------------------------------------------------

class Jar {
  readonly cookies = new Map<string, string>();
  header(): Record<string, string> { return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}; }
  take(setCookie: string | string[] | undefined): void {
    for (const c of [setCookie ?? []].flat()) { const [pair] = c.split(';'); const i = pair!.indexOf('='); this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1)); }
  }
}

interface Ctx { info: Info; dispatcher: Agent; basic: string }

async function call(ctx: Ctx, jar: Jar | undefined, path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; location: string; text: string }> {
  const res = await request(`${ctx.info.issuer}${path}`, {
    dispatcher: ctx.dispatcher, method: form ? 'POST' : 'GET',
    headers: { ...(jar?.header() ?? {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  jar?.take(res.headers['set-cookie']);
  const text = await res.body.text();
  return { status: res.statusCode, location: String(res.headers.location ?? ''), text };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function field(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no ${name} in page`);
  return m[1]!;
}

function authorizePath(ctx: Ctx, challenge: string, prompt?: string): string {
  return `/authorize?${new URLSearchParams({ response_type: 'code', client_id: ctx.info.clientId, redirect_uri: REDIRECT, scope: 'catalog:read offline_access', state: 'b', code_challenge: challenge, code_challenge_method: 'S256', ...(prompt ? { prompt } : {}) })}`;
}

async function redeem(ctx: Ctx, location: string, verifier: string): Promise<{ refresh_token: string }> {
  const code = new URL(location).searchParams.get('code');
  if (!code) throw new Error(`no code in ${location}`);
  const r = await call(ctx, undefined, '/token', { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT }, { authorization: ctx.basic });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return JSON.parse(r.text) as { refresh_token: string };
}

/** New browser: login + consent (prompt=consent so the page is shown every time) + token. */
async function firstFlow(ctx: Ctx, username: string): Promise<{ jar: Jar; refresh: string }> {
  const jar = new Jar();
  const { verifier, challenge } = pkce();
  const a = await call(ctx, jar, authorizePath(ctx, challenge, 'consent'));
  const loginPage = await call(ctx, jar, a.location);
  const l = await call(ctx, jar, '/login', { csrf: field(loginPage.text, 'csrf'), interaction: field(loginPage.text, 'interaction'), username, password: PASSWORD });
  if (l.status !== 303) throw new Error(`login: ${l.status}`);
  const consent = await call(ctx, jar, l.location);
  const action = /action="(\/interaction\/[\w-]+)"/.exec(consent.text)?.[1];
  if (!action) throw new Error('no consent form');
  const form = new URLSearchParams({ csrf: field(consent.text, 'csrf'), decision: 'allow' });
  const d = await request(`${ctx.info.issuer}${action}`, { dispatcher: ctx.dispatcher, method: 'POST', headers: { ...jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, body: `${form}&scope=catalog%3Aread&scope=offline_access` });
  await d.body.text();
  const tokens = await redeem(ctx, String(d.headers.location), verifier);
  return { jar, refresh: tokens.refresh_token };
}

async function returningFlow(ctx: Ctx, jar: Jar): Promise<void> {
  const { verifier, challenge } = pkce();
  const a = await call(ctx, jar, authorizePath(ctx, challenge));
  if (a.status !== 303 || !a.location.startsWith(REDIRECT)) throw new Error(`expected a direct code redirect, got ${a.status} ${a.location}`);
  await redeem(ctx, a.location, verifier);
}

interface Measured { label: string; perSecond: number; p50: number; p99: number; errors: number }

async function measure(label: string, workers: number, seconds: number, work: (w: number) => Promise<void>): Promise<Measured> {
  process.stderr.write(`  ${label}: ${workers} workers for ${seconds}s…\n`);
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try { await work(w); lat.push(performance.now() - t0); } catch (err) { if (++errors <= 3) process.stderr.write(`    error: ${(err as Error).message}\n`); }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat.length ? Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]! * 10) / 10 : NaN;
  return { label, perSecond: Math.round(lat.length / elapsed), p50: q(0.5), p99: q(0.99), errors };
}

// The baseline is the server's own password check with the production parameters.
let storedHash: Promise<string> | undefined;
async function scryptOnce(): Promise<void> {
  storedHash ??= hashPassword(PASSWORD, DEFAULT_SCRYPT);
  if (!(await verifyPassword(PASSWORD, await storedHash))) throw new Error('scrypt baseline: verification failed');
}

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try { await c.connect(); await c.end(); return true; } catch { return false; }
}

async function main(): Promise<void> {
  const seconds = Number(arg('duration', '3'));
  const rounds = Number(arg('rounds', '3'));
  const workers = Number(arg('connections', '16'));
  const backends = arg('backends', 'sqlite,postgres').split(',');
  const rows: string[] = [];
  const json: unknown[] = [];
  const ratios: string[] = [];
  for (const backend of backends) {
    if (backend === 'postgres' && !(await pgReachable())) { process.stderr.write(`skipping PostgreSQL: ${PG_URL} unreachable\n`); continue; }
    process.stderr.write(`${backend}:\n`);
    const server = await startServer<Info>(fileURLToPath(import.meta.url), ['--serve', backend, '--users', String(workers)]);
    try {
      const ctx: Ctx = { info: server.info, dispatcher: new Agent({ connections: workers * 2, pipelining: 1 }), basic: `Basic ${Buffer.from(`${server.info.clientId}:${server.info.secret}`).toString('base64')}` };
      // Warm-up, and one signed-in browser and refresh chain per worker.
      const chains = await Promise.all(server.info.users.map((u) => firstFlow(ctx, u)));
      const kinds: Array<[string, (w: number) => Promise<void>]> = [
        ['baseline: scrypt N=2^14 verifications (load generator process)', () => scryptOnce()],
        ['first flow (login with scrypt N=2^14 + consent + token)', (w) => firstFlow(ctx, server.info.users[w]!).then(() => undefined)],
        ['baseline: client_credentials token', async () => {
          const r = await call(ctx, undefined, '/token', { grant_type: 'client_credentials' }, { authorization: server.info.ccBasic });
          if (r.status !== 200) throw new Error(`client_credentials: ${r.status}`);
        }],
        ['returning flow (authorize → code → token)', (w) => returningFlow(ctx, chains[w]!.jar)],
        ['refresh rotation', async (w) => {
          const r = await call(ctx, undefined, '/token', { grant_type: 'refresh_token', refresh_token: chains[w]!.refresh }, { authorization: ctx.basic });
          if (r.status !== 200) throw new Error(`refresh: ${r.status} ${r.text}`);
          chains[w]!.refresh = (JSON.parse(r.text) as { refresh_token: string }).refresh_token;
        }],
      ];
      // Rounds interleave the flows with their baselines, so each ratio compares
      // measurements taken seconds apart on a machine whose capacity drifts.
      const results = new Map<string, Measured[]>();
      for (let round = 0; round < rounds; round++) {
        for (const [label, work] of kinds) {
          const m = await measure(`${label} (round ${round + 1}/${rounds})`, workers, seconds, work);
          results.set(label, [...(results.get(label) ?? []), { ...m, label }]);
        }
      }
      const per = (label: string) => results.get(label)!;
      const ratio = (a: string, b: string) => median(per(a).map((m, i) => m.perSecond / Math.max(1, per(b)[i]!.perSecond))).toFixed(2);
      ratios.push(`| ${backend} | ${ratio(kinds[3]![0], kinds[2]![0])} | ${ratio(kinds[4]![0], kinds[2]![0])} | ${ratio(kinds[1]![0], kinds[0]![0])} |`);
      for (const [label] of kinds) {
        const ms = per(label);
        const m = { label, perSecond: Math.round(median(ms.map((x) => x.perSecond))), p50: Math.round(median(ms.map((x) => x.p50)) * 10) / 10, p99: Math.round(median(ms.map((x) => x.p99)) * 10) / 10, errors: ms.reduce((a, x) => a + x.errors, 0) };
        rows.push(`| ${backend} | ${m.label} | ${m.perSecond} (${ms.map((x) => x.perSecond).join(' / ')}) | ${m.p50} | ${m.p99} | ${m.errors} |`);
        json.push({ backend, ...m, rounds: ms.map((x) => x.perSecond) });
      }
      await ctx.dispatcher.close();
    } finally {
      await server.stop();
    }
  }
  process.stdout.write(`\n| store | measurement | per second, median (rounds) | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n\n`);
  process.stdout.write(`Ratios, median over rounds (compare these, not absolute rates):\n\n| store | returning flow / client_credentials | refresh / client_credentials | first flow / scrypt verification |\n|---|---|---|---|\n${ratios.join('\n')}\n\n`);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(json)}\n`);
}

if (process.argv.includes('--serve')) await serve(arg('serve', 'sqlite'), Number(arg('users', '16')));
else await main();
