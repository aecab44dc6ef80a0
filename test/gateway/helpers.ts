import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type CryptoKey } from 'jose';
import { Client, request } from 'undici';
import { validateConfig } from '../../src/config/schema.ts';
import { createGatewayServer, type GatewayServer, type GatewayServerOptions } from '../../src/gateway/server.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';

// A real upstream, a real issuer (own keys, own JWKS) and a real gateway, all on
// ephemeral 127.0.0.1 ports.

export const RESOURCE = 'http://localhost:8080/rest';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => { const c: Buffer[] = []; req.on('data', (d: Buffer) => c.push(d)); req.on('end', () => resolve(Buffer.concat(c).toString('utf8'))); });
}

export interface Upstream { url: string; seen: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }>; close(): Promise<void> }

/** Echoes what it received; /pii returns personal data; /not-json, /cut and /huge cannot be masked; /slow never answers in time. */
export async function startUpstream(): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    if (req.url?.startsWith('/rest/V1/pii')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ email: 'alice@example.com', card: '4111 1111 1111 1111', note: 'call bob@shop.test, order 1234567890123', items: [{ secret: 'x', n: 4242424242424242 }, { secret: 'y' }] }));
      return;
    }
    if (req.url?.startsWith('/rest/V1/not-json')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"email": "alice@example.com"'); return; }
    if (req.url?.startsWith('/rest/V1/cut')) { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"email": "alice@'); setTimeout(() => req.socket.destroy(), 20); return; }
    if (req.url?.startsWith('/rest/V1/huge')) { // 17 MiB of JSON, no Content-Length
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":"');
      for (let i = 0; i < 17; i++) res.write(Buffer.alloc(1 << 20, 0x61));
      res.end('"}');
      return;
    }
    if (req.url?.startsWith('/rest/V1/delay')) { setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"delayed":true}'); }, 300); return; }
    if (req.url?.startsWith('/rest/V1/crash')) { req.socket.destroy(); return; }
    if (req.url?.startsWith('/rest/V1/slow')) { setTimeout(() => { res.writeHead(200); res.end('late'); }, 3000).unref(); return; }
    res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive', 'keep-alive': 'timeout=5', 'x-upstream': 'yes' });
    res.end(JSON.stringify({ method: req.method, url: req.url, body }));
  });
  server.keepAliveTimeout = 1000;
  const url = await listen(server);
  return { url, seen, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export interface Issuer {
  url: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
  jwksHits: number;
  /** Serve 500s instead of the JWKS (AS down). */
  down: boolean;
  /** Extra keys to publish. */
  extraKeys: Array<Record<string, unknown>>;
  token(claims?: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const issuer: Issuer = {
    url: '', kid: 'k1', privateKey, publicJwk, jwksHits: 0, down: false, extraKeys: [],
    async token(claims = {}, header = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ client_id: 'agent-1', scope: 'catalog:read orders:read', jti: randomBytes(8).toString('hex'), ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt', ...header })
        .setIssuer((claims.iss as string) ?? issuer.url).setSubject((claims.sub as string) ?? 'user-42').setAudience((claims.aud as string) ?? RESOURCE)
        .setIssuedAt((claims.iat as number) ?? now).setExpirationTime((claims.exp as number) ?? now + 300)
        .sign(privateKey);
    },
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    if (req.url === '/jwks') {
      issuer.jwksHits++;
      if (issuer.down) { res.writeHead(500); res.end(); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [issuer.publicJwk, ...issuer.extraKeys] }));
      return;
    }
    res.writeHead(404); res.end();
  });
  issuer.url = await listen(server);
  issuer.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return issuer;
}

export interface Gateway { url: string; rt: Runtime; gw: GatewayServer; close(): Promise<void> }

export async function startGateway(gateway: Record<string, unknown>, opts: { redisUrl?: string; gatewayOptions?: GatewayServerOptions } = {}): Promise<Gateway> {
  const config = validateConfig({ masterKey: randomBytes(32).toString('base64'), logLevel: 'silent', ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}), gateway });
  const rt = await createRuntime(config, silentLogger(), { sqliteFile: ':memory:', auditFlushMs: 20 });
  let gw: GatewayServer;
  try { gw = await createGatewayServer(rt, opts.gatewayOptions); } catch (err) { await rt.close(); throw err; }
  const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  return { url, rt, gw, close: async () => { await gw.close(); await rt.close(); } };
}

/** A gateway config with one upstream and the given routes. */
export function gatewayConfig(issuer: Issuer, upstream: Upstream, routes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { issuer: issuer.url, upstreams: { shop: { url: upstream.url, timeoutMs: 500 } }, routes, ...extra };
}

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; text: string; json(): unknown }

export async function call(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const res = await request(url, { method: (opts.method ?? 'GET') as 'GET', headers: opts.headers ?? {}, body: opts.body ?? null });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

export const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** Sends the path exactly as given (no URL parsing, so dot segments reach the gateway). */
export async function rawCall(origin: string, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const client = new Client(origin);
  try {
    const res = await client.request({ path, method: (opts.method ?? 'GET') as 'GET', headers: opts.headers ?? {} });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
  } finally {
    await client.close();
  }
}

/** node:http client: lets tests send hop-by-hop headers undici refuses to send. */
export function nodeCall(url: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const c: Buffer[] = [];
      res.on('data', (d: Buffer) => c.push(d));
      res.on('end', () => { const text = Buffer.concat(c).toString('utf8'); resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }); });
    });
    req.on('error', reject);
    req.end();
  });
}
