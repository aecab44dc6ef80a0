// Benchmark floor: Fastify answering POST /token with one freshly signed ES256 JWT and
// nothing else (no client authentication, no store, no audit). What any Node token
// endpoint on this machine can at best reach; signatures on a worker thread like Deputy's.
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { exportJwk, generateKeyPair, signingInput } from '../../src/crypto/jws.ts';
import { SignerPool } from '../../src/crypto/signer-pool.ts';

const port = Number(process.argv[2] ?? 0);
const { privateKey } = generateKeyPair('ES256');
const pool = new SignerPool(1);
pool.setKeys([{ kid: 'floor', alg: 'ES256', jwk: exportJwk(privateKey) }]);
const app = Fastify();
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/token', async (_req, reply) => {
  const now = Math.floor(Date.now() / 1000);
  const input = signingInput('ES256', 'floor', { typ: 'at+jwt' }, { iss: 'http://127.0.0.1', sub: 'bench', aud: 'http://localhost:8080/rest', exp: now + 300, iat: now, jti: randomUUID(), client_id: 'bench', scope: 'catalog:read' });
  const token = `${input}.${await pool.sign('floor', input)}`;
  return reply.header('cache-control', 'no-store').type('application/json').send(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 300, scope: 'catalog:read' }));
});
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}`, clientId: 'bench', clientSecret: 'unused' }) + '\n');
process.on('SIGTERM', () => { void app.close().then(() => pool.close()).then(() => process.exit(0)); });
