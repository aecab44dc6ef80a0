// Benchmark target: the same Deputy gateway as deputy.ts in N worker processes sharing
// one port (node:cluster), as a stateless deployment would run it on N cores. Each
// worker has its own SQLite file; the master key (hence the identity key) is shared.
// Prints {url} on stdout when every worker listens.
import cluster from 'node:cluster';
import { join } from 'node:path';
import { freePort } from '../lib.ts';

const [issuer, jwksUri, upstream, workers = '2'] = process.argv.slice(2) as [string, string, string, string?];

if (cluster.isPrimary) {
  const port = await freePort();
  cluster.setupPrimary({ exec: join(import.meta.dirname, 'deputy.ts'), args: [issuer, jwksUri, upstream, 'sync', 'true', String(port)], silent: true });
  let ready = 0;
  for (let i = 0; i < Number(workers); i++) {
    const w = cluster.fork();
    w.process.stdout?.once('data', () => { if (++ready === Number(workers)) process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n'); });
  }
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM'); setTimeout(() => process.exit(0), 500).unref(); });
}
