import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import OAuth from 'oauth-1.0a';
import type { Raw } from '../../../src/config/check.ts';
import { gatewayConfig, type GatewayConfig } from '../../../src/gateway/config.ts';
import { magentoAuthRoutes } from '../../../src/gateway/config-routes.ts';
import { createGatewayServer, type GatewayServer } from '../../../src/gateway/server.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { createShopServer } from '../../../src/shop/server.ts';
import { freePort } from '../../helpers/auth-server.ts';
import { send, type Res } from '../../helpers/http.ts';
import { startCallbackServer } from '../../magento/auth/callback-server.ts';
import { magentoAuth, magentoServer } from '../../magento/auth/helpers.ts';

// Real auth server + gateway + demo shop on ephemeral ports, plus an "echo" upstream on
// /V1/* (webapi routes too) that answers with what it received, to see forced parameters
// and the identity token the gateway sends.

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

export interface Echoed { url: string; headers: Record<string, string>; body: string; identity: Record<string, unknown> }

async function startEcho(): Promise<{ base: string; seen: Echoed[]; server: Server }> {
  const seen: Echoed[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      const h = req.headers['x-deputy-identity'];
      const identity = typeof h === 'string' ? JSON.parse(Buffer.from(h.split('.')[1]!, 'base64url').toString()) as Record<string, unknown> : {};
      const e = { url: req.url ?? '', headers: req.headers as Record<string, string>, body, identity };
      seen.push(e);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: e.url, body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, server };
}

export function gatewayRaw(echo: string, authPort: string, shopPort: number, extra: Raw = {}): Raw {
  const rateLimits = { default: { points: 10_000, duration: 60, by: ['agent', 'person'] }, 'magento-token': { points: 1000, duration: 60, by: ['ip'] } };
  return {
    rateLimits,
    upstreams: { shop: { url: `http://127.0.0.1:${shopPort}` }, auth: { url: `http://127.0.0.1:${authPort}` }, echo: { url: echo } },
    routes: [
      ...magentoAuthRoutes(gatewayConfigClasses(rateLimits)),
      { id: 'shop-rest', methods: METHODS, path: '/rest/*', upstream: 'shop', webapi: true },
      { id: 'echo', methods: METHODS, path: '/V1/*', upstream: 'echo', webapi: true },
    ],
    ...extra,
  };
}

/** magentoAuthRoutes only asks which classes exist. */
function gatewayConfigClasses(r: Raw): Record<string, never> {
  return Object.fromEntries(Object.keys(r).map((k) => [k, {} as never]));
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

export async function startStack(opts: { magento?: Raw; gateway?: Raw } = {}) {
  const [gwPort, shopPort] = [await freePort(), await freePort()];
  const gwBase = `http://127.0.0.1:${gwPort}`;
  const cb = await startCallbackServer();
  const srv = await magentoServer(
    { adminTotp: false, ...opts.magento, integrations: { callbackAllowlist: ['127.0.0.1'], allowLoopbackCallbacks: true, storeBaseUrl: gwBase, ...(opts.magento?.integrations as Raw | undefined) } },
    { config: { ports: { gateway: gwPort, shop: shopPort } } },
  );
  const echo = await startEcho();
  const authPort = new URL(srv.issuer).port;
  const config = (extra: Raw = {}): GatewayConfig => gatewayConfig({ ...srv.rt.config, extra: { ...srv.rt.config.extra, gateway: gatewayRaw(echo.base, authPort, shopPort, { ...opts.gateway, ...extra }) } });
  const gw = await createGatewayServer(srv.rt, { config: config(), rateLimitPrefix: `gwm-${gwPort}` });
  await gw.app.listen({ host: '127.0.0.1', port: gwPort });
  const shop = await createShopServer({ log: silentLogger(), bodyLimit: 65536, db: { file: ':memory:' }, identity: { audience: 'shop', jwks: createLocalJWKSet(JSON.parse(gw.identityJwks) as JSONWebKeySet) } });
  await shop.app.listen({ host: '127.0.0.1', port: shopPort });
  const m = magentoAuth(srv.rt);
  const extraGateways: GatewayServer[] = [];
  return {
    srv, m, gw, gwBase, rest: `${gwBase}/rest/V1`, echo, cb, config, extraGateways,
    close: async () => {
      for (const g of extraGateways) await g.close();
      await gw.close(); await shop.close(); await srv.close(); await cb.close();
      echo.server.closeAllConnections();
      await new Promise<void>((r) => echo.server.close(() => r()));
    },
  };
}

export const json = (token?: string): Record<string, string> => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

export const DENIED = "The consumer isn't authorized to access %resources.";
export const denied = (resources: string) => ({ message: DENIED, parameters: { resources } });

/** An oauth-1.0a client with node's HMAC-SHA256, used unmodified. */
export function oauthClient(key: string, secret: string): OAuth {
  return new OAuth({
    consumer: { key, secret },
    signature_method: 'HMAC-SHA256',
    hash_function: (base, k) => createHmac('sha256', k).update(base).digest('base64'),
  });
}

/** A signed request through the gateway; `data` (form) members are signed by the package. */
export function signed(c: OAuth, url: string, method: string, token?: { key: string; secret: string }, data?: Record<string, string>): Promise<Res> {
  const auth = c.authorize({ url, method, ...(data ? { data } : {}) }, token);
  return send(url, { method, headers: { authorization: c.toHeader(auth).Authorization } });
}

/** Activates a catalog-only integration and runs the handshake through the gateway. */
export async function catalogIntegration(s: Stack, name = 'Catalog sync', resources: string[] = ['Magento_Catalog::catalog']) {
  const created = await s.m.integrations.create({ name, email: 'ops@example.com', callbackUrl: `${s.cb.base}/endpoint`, identityLinkUrl: `${s.cb.base}/identity`, resources });
  const before = s.cb.posts.length;
  await s.m.integrations.activate(created.id, 'admin-id', `${s.srv.issuer}/admin/magento/integrations`);
  const form = s.cb.posts[before]!.form;
  const c = oauthClient(form.oauth_consumer_key!, form.oauth_consumer_secret!);
  const req = await signed(c, `${s.gwBase}/oauth/token/request`, 'POST');
  if (req.status !== 200) throw new Error(`request token: ${req.status} ${req.text}`);
  const rt = Object.fromEntries(new URLSearchParams(req.text));
  const acc = await signed(c, `${s.gwBase}/oauth/token/access`, 'POST', { key: rt.oauth_token!, secret: rt.oauth_token_secret! }, { oauth_verifier: form.oauth_verifier! });
  if (acc.status !== 200) throw new Error(`access token: ${acc.status} ${acc.text}`);
  const at = Object.fromEntries(new URLSearchParams(acc.text));
  return { created, c, form, token: { key: at.oauth_token!, secret: at.oauth_token_secret! } };
}
