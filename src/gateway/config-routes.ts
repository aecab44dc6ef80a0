import { ConfigError } from '../platform/errors.ts';
import { absoluteUrl, bool, int, oneOf, optStr, rejectUnknown, section, str, strList, type Raw } from '../config/check.ts';
import { resolve } from 'node:path';
import { DEFAULT_WEBAPI_PATH } from '../magento/webapi-profile.ts';
import type { IpRules, MaskConfig, PermissionConfig, RateClassConfig, RouteConfig, UpstreamConfig, WebapiRouteConfig } from './config.ts';

// Reading `gateway.routes[]` (and the small helpers every gateway section shares).

const SCOPE_MODES = ['any', 'all'] as const;
const DETECTORS = ['card', 'email'] as const;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function strMap(raw: unknown, path: string): Record<string, string> {
  const m = section(raw, path);
  for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') throw new ConfigError(`${path}.${k}`, 'expected a string');
  return m as Record<string, string>;
}

export function ipRules(raw: unknown, path: string): IpRules {
  const r = section(raw, path);
  rejectUnknown(r, path, ['allow', 'deny']);
  return { allow: strList(r, 'allow', `${path}.`), deny: strList(r, 'deny', `${path}.`) };
}

export function rateList(raw: Raw, key: string, path: string, classes: Record<string, RateClassConfig>, fallback: string[] | undefined): string[] | undefined {
  const v = raw[key];
  if (v === undefined) return fallback;
  const list = typeof v === 'string' ? [v] : strList(raw, key, path);
  for (const c of list) if (!classes[c]) throw new ConfigError(`${path}${key}`, `unknown rate-limit class ${JSON.stringify(c)} (declare it under gateway.rateLimits)`);
  return list;
}

function permission(raw: unknown, path: string): PermissionConfig {
  const r = section(raw, path);
  rejectUnknown(r, path, ['anonymous', 'self', 'acl', 'scopes', 'scopeMode']);
  const p: PermissionConfig = {
    anonymous: bool(r, 'anonymous', `${path}.`, false),
    self: bool(r, 'self', `${path}.`, false),
    acl: optStr(r, 'acl', `${path}.`),
    scopes: strList(r, 'scopes', `${path}.`),
    scopeMode: oneOf(r, 'scopeMode', `${path}.`, SCOPE_MODES, 'any'),
  };
  if (p.anonymous && (p.self || p.acl || p.scopes.length)) throw new ConfigError(`${path}.anonymous`, 'an anonymous route cannot also require self, acl or scopes');
  return p;
}

function mask(raw: unknown, path: string): MaskConfig | undefined {
  if (raw === undefined) return undefined;
  const r = section(raw, path);
  rejectUnknown(r, path, ['paths', 'detectors', 'exempt']);
  const detectors = strList(r, 'detectors', `${path}.`, [...DETECTORS]);
  for (const d of detectors) if (!(DETECTORS as readonly string[]).includes(d)) throw new ConfigError(`${path}.detectors`, `unknown detector ${JSON.stringify(d)} (expected ${DETECTORS.join(', ')})`);
  const paths = strList(r, 'paths', `${path}.`);
  for (const jp of paths) if (!/^(\$\.)?[\w-]+(\[\*\])?(\.[\w-]+(\[\*\])?)*$/.test(jp)) throw new ConfigError(`${path}.paths`, `unsupported JSON path ${JSON.stringify(jp)} (use a.b[*].c)`);
  return { paths, detectors: detectors as MaskConfig['detectors'], exempt: strList(r, 'exempt', `${path}.`) };
}

export const ROUTE_KEYS = ['id', 'methods', 'path', 'upstream', 'rewrite', 'resource', 'permission', 'forced', 'rateLimit', 'bodyLimit', 'mask', 'ip', 'errors', 'filters', 'webapi', 'forwardAuthorization'];

/** `webapi: true` or `{ profile, allowAnonymousGuestAccess }`; the route's own permission stays anonymous. */
function webapi(raw: unknown, path: string): WebapiRouteConfig | undefined {
  if (raw === undefined || raw === false) return undefined;
  const r = raw === true ? {} : section(raw, path);
  rejectUnknown(r, path, ['profile', 'allowAnonymousGuestAccess']);
  const profile = optStr(r, 'profile', `${path}.`);
  const allow = r.allowAnonymousGuestAccess;
  if (allow !== undefined && typeof allow !== 'boolean') throw new ConfigError(`${path}.allowAnonymousGuestAccess`, 'must be true or false');
  return { profile: profile === undefined ? DEFAULT_WEBAPI_PATH : resolve(profile), allowAnonymousGuestAccess: allow };
}

export function parseRoute(raw: unknown, i: number, ctx: { ups: Record<string, UpstreamConfig>; classes: Record<string, RateClassConfig>; bodyLimit: number; gatewayBase: string }): RouteConfig {
  const p = `gateway.routes[${i}]`;
  const r = section(raw, p);
  rejectUnknown(r, p, ROUTE_KEYS);
  const path = str(r, 'path', `${p}.`);
  if (!path.startsWith('/') || /\/\/|\/\.\.?(\/|$)|%/.test(path)) throw new ConfigError(`${p}.path`, 'must be an absolute, normalised path without percent-encoding');
  const methods = (r.methods === undefined ? ['GET'] : strList(r, 'methods', `${p}.`)).map((m) => m.toUpperCase());
  for (const m of methods) if (!METHODS.includes(m)) throw new ConfigError(`${p}.methods`, `unsupported method ${JSON.stringify(m)}`);
  const upstream = str(r, 'upstream', `${p}.`);
  if (!ctx.ups[upstream]) throw new ConfigError(`${p}.upstream`, `unknown upstream ${JSON.stringify(upstream)}`);
  const f = section(r.forced, `${p}.forced`);
  rejectUnknown(f, `${p}.forced`, ['path', 'query', 'body']);
  const forced = { path: strMap(f.path, `${p}.forced.path`), query: strMap(f.query, `${p}.forced.query`), body: strMap(f.body, `${p}.forced.body`) };
  for (const name of Object.keys(forced.path)) if (!path.split('/').includes(`:${name}`)) throw new ConfigError(`${p}.forced.path.${name}`, `the path has no :${name} parameter`);
  const resourceDefault = path.startsWith('/mcp') ? `${ctx.gatewayBase}/mcp` : `${ctx.gatewayBase}/rest`;
  const wa = webapi(r.webapi, `${p}.webapi`);
  if (wa && r.permission !== undefined) throw new ConfigError(`${p}.permission`, 'a webapi route takes its permissions from the profile; remove permission');
  return {
    id: str(r, 'id', `${p}.`, `${methods.join(',')} ${path}`),
    methods,
    path,
    upstream,
    rewrite: optStr(r, 'rewrite', `${p}.`),
    resource: absoluteUrl(str(r, 'resource', `${p}.`, resourceDefault), `${p}.resource`),
    permission: wa ? permission({ anonymous: true }, `${p}.permission`) : permission(r.permission, `${p}.permission`),
    forced,
    rateLimit: rateList(r, 'rateLimit', `${p}.`, ctx.classes, ctx.classes.default ? ['default'] : [])!,
    bodyLimit: int(r, 'bodyLimit', `${p}.`, ctx.bodyLimit, 0, ctx.bodyLimit),
    mask: mask(r.mask, `${p}.mask`),
    ip: ipRules(r.ip, `${p}.ip`),
    errors: oneOf(r, 'errors', `${p}.`, ['magento', 'problem'] as const, wa || path.startsWith('/rest') ? 'magento' : 'problem'),
    filters: r.filters === undefined ? undefined : strList(r, 'filters', `${p}.`),
    webapi: wa,
    forwardAuthorization: bool(r, 'forwardAuthorization', `${p}.`, false),
  };
}

/** Anonymous pass-through to the auth server: no authenticate filter (the auth server checks OAuth 1.0a itself). */
const PASS_THROUGH = ['ip-filter', 'size-limit', 'rate-limit', 'request-transform', 'forward'];

/** Magento token services and the OAuth 1.0a handshake, routed to the auth server, limited per IP. */
export function magentoAuthRoutes(classes: Record<string, RateClassConfig>): Raw[] {
  const rateLimit = classes['magento-token'] ? ['magento-token'] : classes.default ? ['default'] : [];
  const routes: Raw[] = [];
  for (const [id, tail] of [['customer-token', 'integration/customer/token'], ['admin-token', 'integration/admin/token'], ['admin-token-totp', 'tfa/provider/google/authenticate']]) {
    routes.push({ id: `magento-${id}`, methods: ['POST'], path: `/rest/V1/${tail}`, upstream: 'auth', permission: { anonymous: true }, rateLimit, filters: PASS_THROUGH });
    routes.push({ id: `magento-${id}-store`, methods: ['POST'], path: `/rest/:store/V1/${tail}`, upstream: 'auth', permission: { anonymous: true }, rateLimit, filters: PASS_THROUGH });
  }
  for (const step of ['request', 'access']) {
    routes.push({ id: `oauth1-${step}-token`, methods: ['POST'], path: `/oauth/token/${step}`, upstream: 'auth', permission: { anonymous: true }, rateLimit, filters: PASS_THROUGH, forwardAuthorization: true, errors: 'problem' });
  }
  return routes;
}

export function defaultRoutes(classes: Record<string, RateClassConfig> = {}, ups: Record<string, UpstreamConfig> = {}): Raw[] {
  return [
    ...(ups.auth ? magentoAuthRoutes(classes) : []),
    { id: 'shop-rest', methods: ['GET', 'POST', 'PUT', 'DELETE'], path: '/rest/*', upstream: 'shop', webapi: true },
    { id: 'mcp', methods: ['GET', 'POST', 'DELETE'], path: '/mcp', upstream: 'mcp', errors: 'problem' },
  ];
}

