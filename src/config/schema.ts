import { ConfigError } from '../platform/errors.ts';
import { absoluteUrl, bool, deepFreeze, int, isObject, oneOf, optStr, rejectUnknown, section, str, strList, type Raw } from './check.ts';

export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface ScopeConfig {
  /** Shown to people on the consent page. */
  description: string;
}

export interface ResourceConfig {
  /** RFC 8707 resource identifier: the `aud` of tokens for this resource. */
  id: string;
  name: string;
  /** Scopes a token for this resource may carry. */
  scopes: string[];
  /** Access-token lifetime in seconds. */
  accessTokenTtl: number;
}

export interface KeysConfig {
  /** Algorithm of newly generated signing keys. */
  algorithm: SigningAlgorithm;
  /** Seconds a new key is published in JWKS before it signs (lets verifiers cache it first). */
  activationDelay: number;
  /** Worker threads that sign tokens off the event loop; 0 signs on the event loop. */
  signerThreads: number;
}

export interface RegistrationConfig {
  /** Serve RFC 7591 dynamic registration at /register. */
  enabled: boolean;
  /** Require an initial access token (`deputy clients initial-token`). */
  requireInitialAccessToken: boolean;
  /** Allow registration of public clients (token_endpoint_auth_method none) without one. */
  openPublicClients: boolean;
}

export interface ClientAuthConfig {
  /** Seconds the previous secret keeps working after `rotate-secret`. */
  secretRotationOverlap: number;
  /** Failed client authentications allowed per client per window before refusing. */
  maxFailures: number;
  failureWindow: number;
  /** Timeout and size limit when fetching a client's jwks_uri. */
  jwksUriTimeoutMs: number;
  jwksUriMaxBytes: number;
  /** Longest accepted lifetime (exp - iat) of a private_key_jwt assertion, seconds. */
  assertionMaxLifetime: number;
  /** Allowed clock skew in seconds for assertions. */
  clockSkew: number;
}

export interface AuthConfig {
  scopes: Record<string, ScopeConfig>;
  resources: ResourceConfig[];
  /** Audience used when a token request names no resource. */
  defaultResource: string;
  /** Access-token lifetime when a resource sets none, seconds. */
  accessTokenTtl: number;
  registration: RegistrationConfig;
  clientAuth: ClientAuthConfig;
}

export interface DeputyConfig {
  host: string;
  issuer: string;
  dataDir: string;
  /** postgres://… selects PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl: string | undefined;
  /** redis://… selects the Redis event bus and rate limiter. */
  redisUrl: string | undefined;
  /** Base64 of 32 bytes; generated into dataDir in embedded mode when absent. */
  masterKey: string | undefined;
  ports: { auth: number; gateway: number; shop: number; mcp: number };
  logLevel: string;
  /** Maximum request body in bytes for every role. */
  bodyLimit: number;
  keys: KeysConfig;
  auth: AuthConfig;
  /** Sections owned and validated by their roles (gateway, shop, mcp, magento, policy). */
  extra: Raw;
}

const TOP_KEYS = ['host', 'issuer', 'dataDir', 'databaseUrl', 'redisUrl', 'masterKey', 'ports', 'logLevel', 'bodyLimit', 'keys', 'auth', 'gateway', 'shop', 'mcp', 'magento', 'policy', 'ui', 'users', 'audit'] as const;

export const DEFAULT_SCOPES: Record<string, ScopeConfig> = {
  'catalog:read': { description: 'Search and view products' },
  'cart:write': { description: 'Add, change and remove items in your cart' },
  checkout: { description: 'Place orders and pay with your saved payment method' },
  'orders:read': { description: 'See your orders and their status' },
  'profile:read': { description: 'See your name, email address and addresses' },
  offline_access: { description: 'Keep access while you are away (until you revoke it)' },
};

function defaultResources(gatewayPort: number): ResourceConfig[] {
  const base = `http://localhost:${gatewayPort}`;
  return [
    { id: `${base}/rest`, name: 'Store API', scopes: ['catalog:read', 'cart:write', 'checkout', 'orders:read', 'profile:read'], accessTokenTtl: 300 },
    { id: `${base}/mcp`, name: 'Store tools (MCP)', scopes: ['catalog:read', 'cart:write', 'checkout', 'orders:read', 'profile:read'], accessTokenTtl: 300 },
  ];
}

/** Environment variables of the public contract, mapped onto config keys. */
export function envOverrides(env: NodeJS.ProcessEnv): Raw {
  const out: Raw = {};
  const ports: Raw = {};
  if (env.DEPUTY_HOST) out.host = env.DEPUTY_HOST;
  if (env.DEPUTY_ISSUER) out.issuer = env.DEPUTY_ISSUER;
  if (env.DEPUTY_DATA_DIR) out.dataDir = env.DEPUTY_DATA_DIR;
  if (env.DATABASE_URL) out.databaseUrl = env.DATABASE_URL;
  if (env.REDIS_URL) out.redisUrl = env.REDIS_URL;
  if (env.DEPUTY_MASTER_KEY) out.masterKey = env.DEPUTY_MASTER_KEY;
  if (env.DEPUTY_LOG_LEVEL) out.logLevel = env.DEPUTY_LOG_LEVEL;
  if (env.DEPUTY_AUTH_PORT) ports.auth = env.DEPUTY_AUTH_PORT;
  if (env.DEPUTY_GATEWAY_PORT) ports.gateway = env.DEPUTY_GATEWAY_PORT;
  if (env.DEPUTY_SHOP_PORT) ports.shop = env.DEPUTY_SHOP_PORT;
  if (env.DEPUTY_MCP_PORT) ports.mcp = env.DEPUTY_MCP_PORT;
  if (Object.keys(ports).length) out.ports = ports;
  return out;
}

function validateScopes(raw: unknown): Record<string, ScopeConfig> {
  if (raw === undefined) return DEFAULT_SCOPES;
  const s = section(raw, 'auth.scopes');
  const out: Record<string, ScopeConfig> = {};
  for (const [name, v] of Object.entries(s)) {
    // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E
    if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(name)) throw new ConfigError(`auth.scopes.${name}`, 'is not a valid scope token');
    const def = typeof v === 'string' ? { description: v } : section(v, `auth.scopes.${name}`);
    out[name] = { description: str(def as Raw, 'description', `auth.scopes.${name}.`) };
  }
  return out;
}

function validateResources(raw: unknown, scopes: Record<string, ScopeConfig>, gatewayPort: number, ttl: number): ResourceConfig[] {
  if (raw === undefined) return defaultResources(gatewayPort);
  if (!Array.isArray(raw)) throw new ConfigError('auth.resources', 'expected a list');
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const p = `auth.resources[${i}].`;
    const r = section(item, p.slice(0, -1));
    rejectUnknown(r, p.slice(0, -1), ['id', 'name', 'scopes', 'accessTokenTtl']);
    const id = absoluteUrl(str(r, 'id', p), `${p}id`);
    if (seen.has(id)) throw new ConfigError(`${p}id`, `duplicate resource ${id}`);
    seen.add(id);
    const list = strList(r, 'scopes', p);
    for (const s of list) if (!scopes[s]) throw new ConfigError(`${p}scopes`, `unknown scope ${JSON.stringify(s)} (declare it under auth.scopes)`);
    return { id, name: str(r, 'name', p, id), scopes: list, accessTokenTtl: int(r, 'accessTokenTtl', p, ttl, 10, 86_400) };
  });
}

function validateAuth(raw: unknown, gatewayPort: number): AuthConfig {
  const a = section(raw, 'auth');
  rejectUnknown(a, 'auth', ['scopes', 'resources', 'defaultResource', 'accessTokenTtl', 'registration', 'clientAuth']);
  const accessTokenTtl = int(a, 'accessTokenTtl', 'auth.', 300, 10, 86_400);
  const scopes = validateScopes(a.scopes);
  const resources = validateResources(a.resources, scopes, gatewayPort, accessTokenTtl);
  const defaultResource = str(a, 'defaultResource', 'auth.', resources[0]?.id ?? '');
  if (!resources.some((r) => r.id === defaultResource)) throw new ConfigError('auth.defaultResource', `${JSON.stringify(defaultResource)} is not one of auth.resources`);
  const reg = section(a.registration, 'auth.registration');
  rejectUnknown(reg, 'auth.registration', ['enabled', 'requireInitialAccessToken', 'openPublicClients']);
  const ca = section(a.clientAuth, 'auth.clientAuth');
  rejectUnknown(ca, 'auth.clientAuth', ['secretRotationOverlap', 'maxFailures', 'failureWindow', 'jwksUriTimeoutMs', 'jwksUriMaxBytes', 'assertionMaxLifetime', 'clockSkew']);
  return {
    scopes,
    resources,
    defaultResource,
    accessTokenTtl,
    registration: {
      enabled: bool(reg, 'enabled', 'auth.registration.', true),
      requireInitialAccessToken: bool(reg, 'requireInitialAccessToken', 'auth.registration.', true),
      openPublicClients: bool(reg, 'openPublicClients', 'auth.registration.', false),
    },
    clientAuth: {
      secretRotationOverlap: int(ca, 'secretRotationOverlap', 'auth.clientAuth.', 86_400, 0, 90 * 86_400),
      maxFailures: int(ca, 'maxFailures', 'auth.clientAuth.', 10, 1, 10_000),
      failureWindow: int(ca, 'failureWindow', 'auth.clientAuth.', 300, 1, 86_400),
      jwksUriTimeoutMs: int(ca, 'jwksUriTimeoutMs', 'auth.clientAuth.', 3000, 100, 60_000),
      jwksUriMaxBytes: int(ca, 'jwksUriMaxBytes', 'auth.clientAuth.', 64 * 1024, 1024, 1024 * 1024),
      assertionMaxLifetime: int(ca, 'assertionMaxLifetime', 'auth.clientAuth.', 300, 10, 3600),
      clockSkew: int(ca, 'clockSkew', 'auth.clientAuth.', 30, 0, 300),
    },
  };
}

/** Validates a merged raw config (file + env) and freezes it. */
export function validateConfig(raw: Raw): DeputyConfig {
  rejectUnknown(raw, '', TOP_KEYS);
  const portsRaw = section(raw.ports, 'ports');
  rejectUnknown(portsRaw, 'ports', ['auth', 'gateway', 'shop', 'mcp']);
  const ports = {
    auth: int(portsRaw, 'auth', 'ports.', 4000, 0, 65535),
    gateway: int(portsRaw, 'gateway', 'ports.', 8080, 0, 65535),
    shop: int(portsRaw, 'shop', 'ports.', 9000, 0, 65535),
    mcp: int(portsRaw, 'mcp', 'ports.', 9100, 0, 65535),
  };
  const issuer = absoluteUrl(str(raw, 'issuer', '', 'http://localhost:4000'), 'issuer');
  if (new URL(issuer).search) throw new ConfigError('issuer', 'must not contain a query (RFC 8414 §2)');
  const databaseUrl = optStr(raw, 'databaseUrl', '');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('databaseUrl', 'expected a postgres:// URL (leave unset for the embedded SQLite store)');
  const redisUrl = optStr(raw, 'redisUrl', '');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('redisUrl', 'expected a redis:// or rediss:// URL');
  const masterKey = optStr(raw, 'masterKey', '');
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64').length !== 32) throw new ConfigError('masterKey', 'expected base64 of exactly 32 bytes');
  const keysRaw = section(raw.keys, 'keys');
  rejectUnknown(keysRaw, 'keys', ['algorithm', 'activationDelay', 'signerThreads']);
  const extra: Raw = {};
  for (const k of ['gateway', 'shop', 'mcp', 'magento', 'policy', 'ui', 'users', 'audit']) {
    if (raw[k] !== undefined) {
      if (!isObject(raw[k])) throw new ConfigError(k, 'expected a mapping');
      extra[k] = raw[k];
    }
  }
  return deepFreeze({
    host: str(raw, 'host', '', '127.0.0.1'),
    issuer: issuer.replace(/\/$/, ''),
    dataDir: str(raw, 'dataDir', '', './data'),
    databaseUrl,
    redisUrl,
    masterKey,
    ports,
    logLevel: oneOf(raw, 'logLevel', '', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    bodyLimit: int(raw, 'bodyLimit', '', 64 * 1024, 1024, 16 * 1024 * 1024),
    keys: {
      algorithm: oneOf(keysRaw, 'algorithm', 'keys.', SIGNING_ALGORITHMS, 'ES256'),
      activationDelay: int(keysRaw, 'activationDelay', 'keys.', 3600, 0, 30 * 86_400),
      signerThreads: int(keysRaw, 'signerThreads', 'keys.', 1, 0, 16),
    },
    auth: validateAuth(raw.auth, ports.gateway),
    extra,
  });
}
