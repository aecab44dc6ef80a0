// npm run bench [-- --only token,gateway,flows --duration S --rounds N --json]
// Runs every benchmark one after the other (never two at once: they share the two cores),
// each in a process of its own, passing the remaining flags through. Each benchmark
// reports ratios against a baseline measured in its own run; see docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ALL = ['token', 'gateway', 'flows'] as const;
const args = process.argv.slice(2);
if (args.includes('--help')) {
  process.stdout.write(`usage: npm run bench [-- --only ${ALL.join(',')}] [--duration S] [--rounds N] [--json]
  token    client_credentials tokens/s: Deputy vs node-oidc-provider vs a sign-only floor
  gateway  req/s and added latency: direct, bare proxy, HAProxy jwt_verify, Deputy
  flows    authorization-code + PKCE flows/s and refresh rotations/s, SQLite and PostgreSQL
`);
  process.exit(0);
}
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : [...ALL];
const unknown = only.filter((n) => !(ALL as readonly string[]).includes(n));
if (unknown.length) { process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} (expected ${ALL.join(', ')})\n`); process.exit(2); }
const pass = onlyAt >= 0 ? [...args.slice(0, onlyAt), ...args.slice(onlyAt + 2)] : args;

let failed = 0;
for (const [i, name] of only.entries()) {
  process.stderr.write(`\n== bench ${i + 1}/${only.length}: ${name}\n`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', join(import.meta.dirname, `${name}.ts`), ...pass], { stdio: 'inherit' });
    child.once('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) { failed++; process.stderr.write(`bench ${name} exited with ${code}\n`); }
}
process.exit(failed ? 1 : 0);
