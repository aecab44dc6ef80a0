import { ConfigError } from '../platform/errors.ts';
import { absoluteUrl, bool, int, oneOf, rejectUnknown, section, str, strList, type Raw } from '../config/check.ts';
import { defaultRoutes, ipRules, parseRoute, rateList } from './config-routes.ts';
import { SIGNING_ALGORITHMS, type DeputyConfig, type SigningAlgorithm } from '../config/schema.ts';

// The gateway's YAML section (`gateway:` in DEPUTY_CONFIG), validated once at start.
// Every key is documented in docs/gateway.md; errors name the exact key path.

export interface UpstreamConfig {
  name: string;
  url: string;
  /** `aud` of the internal identity token sent to this upstream. */
  audience: string;
  connectTimeoutMs: number;
  /** Time to wait for response headers; beyond it the caller gets 504. */
  timeoutMs: number;
  /** Longest silence inside a response body (SSE streams need more; 0 = none). */
  bodyTimeoutMs: number;
  connections: number;
}

export interface PermissionConfig {
  anonymous: boolean;
  /** An authenticated person acting on their own data. */
  self: boolean;
  /** ACL resource id the token's `acl` claim must list (admins, integrations). */
  acl: string | undefined;
  scopes: string[];
  scopeMode: 'any' | 'all';
}

export interface ForcedParams {
  path: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, string>;
}

export interface MaskConfig {
  /** JSON paths like `$.items[*].email` or `customer.email`; the value becomes "***". */
  paths: string[];
  detectors: Array<'card' | 'email'>;
  /** Caller user types that see unmasked data (e.g. admin). */
  exempt: string[];
}

export interface IpRules { allow: string[]; deny: string[] }

export interface RouteConfig {
  id: string;
  methods: string[];
  /** Segments with `:param` placeholders and an optional trailing `*`. */
  path: string;
  upstream: string;
  /** Upstream path template (same placeholders); default: the normalised request path. */
  rewrite: string | undefined;
  /** RFC 8707 resource id: the `aud` tokens for this route must carry. */
  resource: string;
  permission: PermissionConfig;
  forced: ForcedParams;
  rateLimit: string[];
  bodyLimit: number;
  mask: MaskConfig | undefined;
  ip: IpRules;
  errors: 'magento' | 'problem';
  /** Explicit filter order; default: every filter that applies, in the standard order. */
  filters: string[] | undefined;
  /** Magento webapi.xml-style permissions from a profile (webapi-permission filter); the route itself is then anonymous. */
  webapi: WebapiRouteConfig | undefined;
  /** Pass the client's Authorization header upstream (auth-server pass-through routes only). */
  forwardAuthorization: boolean;
}

export interface WebapiRouteConfig {
  /** Path of the profile YAML (default config/magento/webapi.yaml). */
  profile: string;
  /** Overrides the profile's options.allowAnonymousGuestAccess when set. */
  allowAnonymousGuestAccess: boolean | undefined;
}

export interface RateClassConfig {
  points: number;
  /** Window in seconds. */
  duration: number;
  /** GCRA: how many requests may pass at once (default `points`); the sustained rate stays points/duration. */
  burst: number;
  by: Array<'agent' | 'person' | 'route' | 'ip' | 'apiKey'>;
}

export interface ClientRules { ip: IpRules; rateLimit: string[] | undefined }

export interface GatewayConfig {
  issuer: string;
  jwksUri: string;
  algorithms: SigningAlgorithm[];
  clockSkew: number;
  maxTokenBytes: number;
  /** Where signatures are checked: `sync` (node:crypto, event loop), `pool` (WebCrypto, libuv's thread pool) or `thread` (a verifier worker thread). */
  signatures: 'sync' | 'pool' | 'thread';
  tokenCache: { max: number; ttl: number };
  /** RFC 7662 introspection of opaque (non-JWT) tokens; the client secret comes from the environment. */
  introspection: { endpoint: string; clientId: string; clientSecretEnv: string; cacheSeconds: number; timeoutMs: number } | undefined;
  /** Opaque API keys (`dpk_…`); `cacheSeconds` bounds how long a revoked key keeps working. */
  apiKeys: { enabled: boolean; cacheSeconds: number };
  jwks: { refreshInterval: number; minRefetchInterval: number; timeoutMs: number; maxBytes: number };
  revocation: { pollInterval: number };
  identity: { ttl: number };
  trustedProxies: string[];
  ip: IpRules;
  clients: Record<string, ClientRules>;
  rateLimits: Record<string, RateClassConfig>;
  upstreams: Record<string, UpstreamConfig>;
  routes: RouteConfig[];
  /** Serve Prometheus metrics at /metrics. */
  metrics: boolean;
  /** One pino line per request (the audit event already holds the same facts). */
  accessLog: boolean;
  /** The gateway's public origin as clients address it (OAuth 1.0a base strings, session same-origin); default: from Host. */
  publicBaseUrl: string | undefined;
  /** Storefront session authentication on webapi routes (cookie + X-CSRF-Token, same-origin only). */
  session: { enabled: boolean; origins: string[] };
}

const BY = ['agent', 'person', 'route', 'ip', 'apiKey'] as const;

function upstreams(raw: unknown, cfg: DeputyConfig): Record<string, UpstreamConfig> {
  const defaults: Raw = { shop: { url: `http://127.0.0.1:${cfg.ports.shop}` }, mcp: { url: `http://127.0.0.1:${cfg.ports.mcp}`, bodyTimeoutMs: 300_000 }, auth: { url: `http://127.0.0.1:${cfg.ports.auth}` } };
  const u = raw === undefined ? defaults : section(raw, 'gateway.upstreams');
  const out: Record<string, UpstreamConfig> = {};
  for (const [name, v] of Object.entries(u)) {
    const p = `gateway.upstreams.${name}`;
    const r = section(v, p);
    rejectUnknown(r, p, ['url', 'audience', 'connectTimeoutMs', 'timeoutMs', 'bodyTimeoutMs', 'connections']);
    const url = absoluteUrl(str(r, 'url', `${p}.`), `${p}.url`);
    if (new URL(url).pathname !== '/' || new URL(url).search) throw new ConfigError(`${p}.url`, 'must be an origin only (put paths in routes[].rewrite)');
    const timeoutMs = int(r, 'timeoutMs', `${p}.`, 10_000, 10, 600_000);
    out[name] = {
      name,
      url: new URL(url).origin,
      audience: str(r, 'audience', `${p}.`, name),
      connectTimeoutMs: int(r, 'connectTimeoutMs', `${p}.`, 2000, 10, 60_000),
      timeoutMs,
      bodyTimeoutMs: int(r, 'bodyTimeoutMs', `${p}.`, timeoutMs, 0, 86_400_000),
      connections: int(r, 'connections', `${p}.`, 128, 1, 10_000),
    };
  }
  return out;
}

function rateClasses(raw: unknown): Record<string, RateClassConfig> {
  const defaults: Raw = { default: { points: 600, duration: 60, by: ['agent', 'person'] }, 'magento-token': { points: 30, duration: 60, by: ['ip'] } };
  const c = raw === undefined ? defaults : section(raw, 'gateway.rateLimits');
  const out: Record<string, RateClassConfig> = {};
  for (const [name, v] of Object.entries(c)) {
    const p = `gateway.rateLimits.${name}`;
    const r = section(v, p);
    rejectUnknown(r, p, ['points', 'duration', 'burst', 'by']);
    const by = strList(r, 'by', `${p}.`, ['agent']);
    for (const b of by) if (!(BY as readonly string[]).includes(b)) throw new ConfigError(`${p}.by`, `unknown key ${JSON.stringify(b)} (expected ${BY.join(', ')})`);
    const points = int(r, 'points', `${p}.`, 100, 1);
    if (r.burst !== null && typeof r.burst === 'object') throw new ConfigError(`${p}.burst`, 'must be an integer (how many requests may pass at once); the old {points, duration} window form is gone — rate limits are GCRA now, see docs/gateway.md');
    const burst = int(r, 'burst', `${p}.`, points, 1, points * 1000);
    out[name] = { points, duration: int(r, 'duration', `${p}.`, 1, 1, 86_400), burst, by: by as RateClassConfig['by'] };
  }
  return out;
}

export function gatewayConfig(cfg: DeputyConfig): GatewayConfig {
  const g = section(cfg.extra.gateway, 'gateway');
  rejectUnknown(g, 'gateway', ['issuer', 'jwksUri', 'algorithms', 'clockSkew', 'maxTokenBytes', 'signatures', 'tokenCache', 'apiKeys', 'introspection', 'jwks', 'revocation', 'identity', 'trustedProxies', 'ip', 'clients', 'rateLimits', 'upstreams', 'routes', 'metrics', 'accessLog', 'publicBaseUrl', 'session']);
  const issuer = absoluteUrl(str(g, 'issuer', 'gateway.', cfg.issuer), 'gateway.issuer').replace(/\/$/, '');
  const algorithms = strList(g, 'algorithms', 'gateway.', ['ES256']);
  for (const a of algorithms) if (!(SIGNING_ALGORITHMS as readonly string[]).includes(a)) throw new ConfigError('gateway.algorithms', `unsupported algorithm ${JSON.stringify(a)} (expected ${SIGNING_ALGORITHMS.join(', ')})`);
  if (algorithms.length === 0) throw new ConfigError('gateway.algorithms', 'must list at least one algorithm');
  const tc = section(g.tokenCache, 'gateway.tokenCache');
  rejectUnknown(tc, 'gateway.tokenCache', ['max', 'ttl']);
  let introspection: GatewayConfig['introspection'];
  if (g.introspection !== undefined) {
    const it = section(g.introspection, 'gateway.introspection');
    rejectUnknown(it, 'gateway.introspection', ['endpoint', 'clientId', 'clientSecretEnv', 'cacheSeconds', 'timeoutMs']);
    introspection = {
      endpoint: absoluteUrl(str(it, 'endpoint', 'gateway.introspection.'), 'gateway.introspection.endpoint'),
      clientId: str(it, 'clientId', 'gateway.introspection.'),
      clientSecretEnv: str(it, 'clientSecretEnv', 'gateway.introspection.'),
      cacheSeconds: int(it, 'cacheSeconds', 'gateway.introspection.', 30, 0, 3600),
      timeoutMs: int(it, 'timeoutMs', 'gateway.introspection.', 2000, 100, 60_000),
    };
  }
  const ak = section(g.apiKeys, 'gateway.apiKeys');
  rejectUnknown(ak, 'gateway.apiKeys', ['enabled', 'cacheSeconds']);
  const jw = section(g.jwks, 'gateway.jwks');
  rejectUnknown(jw, 'gateway.jwks', ['refreshInterval', 'minRefetchInterval', 'timeoutMs', 'maxBytes']);
  const rv = section(g.revocation, 'gateway.revocation');
  rejectUnknown(rv, 'gateway.revocation', ['pollInterval']);
  const id = section(g.identity, 'gateway.identity');
  rejectUnknown(id, 'gateway.identity', ['ttl']);
  const classes = rateClasses(g.rateLimits);
  const ss = section(g.session, 'gateway.session');
  rejectUnknown(ss, 'gateway.session', ['enabled', 'origins']);
  const publicBaseUrl = g.publicBaseUrl === undefined ? undefined : absoluteUrl(str(g, 'publicBaseUrl', 'gateway.'), 'gateway.publicBaseUrl');
  if (publicBaseUrl !== undefined && new URL(publicBaseUrl).pathname !== '/') throw new ConfigError('gateway.publicBaseUrl', 'must be an origin only');
  const origins = strList(ss, 'origins', 'gateway.session.').map((o, i) => {
    const u = absoluteUrl(o, `gateway.session.origins[${i}]`);
    if (new URL(u).pathname !== '/') throw new ConfigError(`gateway.session.origins[${i}]`, 'must be an origin only');
    return new URL(u).origin;
  });
  const ups = upstreams(g.upstreams, cfg);
  const clientsRaw = section(g.clients, 'gateway.clients');
  const clients: Record<string, ClientRules> = {};
  for (const [cid, v] of Object.entries(clientsRaw)) {
    const p = `gateway.clients.${cid}`;
    const r = section(v, p);
    rejectUnknown(r, p, ['ip', 'rateLimit']);
    clients[cid] = { ip: ipRules(r.ip, `${p}.ip`), rateLimit: rateList(r, 'rateLimit', `${p}.`, classes, undefined) };
  }
  const routesRaw = g.routes === undefined ? defaultRoutes(classes, ups) : g.routes;
  if (!Array.isArray(routesRaw)) throw new ConfigError('gateway.routes', 'expected a list');
  const gatewayBase = `http://localhost:${cfg.ports.gateway}`;
  const routes = routesRaw.map((r, i) => parseRoute(r, i, { ups, classes, bodyLimit: cfg.bodyLimit, gatewayBase }));
  const ids = new Set<string>();
  routes.forEach((r, i) => { if (ids.has(r.id)) throw new ConfigError(`gateway.routes[${i}].id`, `duplicate route id ${JSON.stringify(r.id)}`); ids.add(r.id); });
  return {
    issuer,
    jwksUri: absoluteUrl(str(g, 'jwksUri', 'gateway.', `${issuer}/jwks`), 'gateway.jwksUri'),
    algorithms: algorithms as SigningAlgorithm[],
    clockSkew: int(g, 'clockSkew', 'gateway.', 30, 0, 300),
    maxTokenBytes: int(g, 'maxTokenBytes', 'gateway.', 8192, 256, 65_536),
    signatures: oneOf(g, 'signatures', 'gateway.', ['sync', 'pool', 'thread'] as const, 'thread'),
    tokenCache: { max: int(tc, 'max', 'gateway.tokenCache.', 10_000, 0, 10_000_000), ttl: int(tc, 'ttl', 'gateway.tokenCache.', 300, 1, 86_400) },
    introspection,
    apiKeys: { enabled: bool(ak, 'enabled', 'gateway.apiKeys.', true), cacheSeconds: int(ak, 'cacheSeconds', 'gateway.apiKeys.', 10, 0, 3600) },
    jwks: {
      refreshInterval: int(jw, 'refreshInterval', 'gateway.jwks.', 300, 1, 86_400),
      minRefetchInterval: int(jw, 'minRefetchInterval', 'gateway.jwks.', 10, 0, 3600),
      timeoutMs: int(jw, 'timeoutMs', 'gateway.jwks.', 3000, 100, 60_000),
      maxBytes: int(jw, 'maxBytes', 'gateway.jwks.', 256 * 1024, 1024, 4 * 1024 * 1024),
    },
    revocation: { pollInterval: int(rv, 'pollInterval', 'gateway.revocation.', 5, 1, 3600) },
    identity: { ttl: int(id, 'ttl', 'gateway.identity.', 60, 5, 600) },
    trustedProxies: strList(g, 'trustedProxies', 'gateway.'),
    ip: ipRules(g.ip, 'gateway.ip'),
    clients,
    rateLimits: classes,
    upstreams: ups,
    routes,
    metrics: bool(g, 'metrics', 'gateway.', true),
    accessLog: bool(g, 'accessLog', 'gateway.', true),
    publicBaseUrl: publicBaseUrl === undefined ? undefined : new URL(publicBaseUrl).origin,
    session: { enabled: bool(ss, 'enabled', 'gateway.session.', true), origins },
  };
}
