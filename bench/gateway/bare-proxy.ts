// Benchmark baseline: Fastify + one undici Pool forwarding every request, no checks.
// The floor any gateway in Node pays. Prints {url} on stdout when ready.
import Fastify from 'fastify';
import { Pool } from 'undici';

const upstream = process.argv[2]!;
const pool = new Pool(upstream, { connections: 128 });
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.all('*', async (req, reply) => {
  const res = await pool.request({ method: req.method as 'GET', path: req.url, headers: { 'x-forwarded-for': req.ip } });
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && k !== 'connection' && k !== 'keep-alive' && k !== 'transfer-encoding') headers[k] = v;
  return reply.code(res.statusCode).headers(headers).send(res.body);
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url }) + '\n');
process.on('SIGTERM', () => { void app.close().then(() => pool.close()).then(() => process.exit(0)); });
