import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { rejectUnknown } from '../config/check.ts';
import { ConfigError } from '../platform/errors.ts';
import { loadAclTree, type AclTree } from './acl.ts';

// A routes profile in the style of Magento's webapi.xml: what each route requires and
// which parameters are forced from the caller. Loaded and validated once at start.

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const PLACEHOLDERS = ['%customer_id%', '%cart_id%'] as const;

export interface WebapiRoute {
  method: HttpMethod;
  /** e.g. /V1/products/:sku (relative to /rest or /rest/<store>). */
  path: string;
  /** All must be satisfied: "anonymous", "self" or ACL ids. */
  resources: readonly string[];
  /** Forced parameters: name → %customer_id%, %cart_id% or a literal. */
  parameters: Readonly<Record<string, string>>;
  /** For self routes: the ACL id an agent acting for the customer needs. */
  agentResource: string | undefined;
  /** For anonymous routes: required instead when anonymous guest access is off. */
  guestFallback: readonly string[] | undefined;
  readonly segments: readonly string[];
}

export interface WebapiProfile {
  acl: AclTree;
  routes: readonly WebapiRoute[];
  /** OAuth 2.1 scope → ACL ids it grants. */
  scopes: ReadonlyMap<string, readonly string[]>;
  allowAnonymousGuestAccess: boolean;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const PATH = /^\/V1(\/(:[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._-]+))+$/;

type Raw = Record<string, unknown>;
function mapping(v: unknown, path: string): Raw {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(path, 'must be a mapping');
  return v as Raw;
}
function aclIds(v: unknown, acl: AclTree, path: string): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(path, 'must be a non-empty list of ACL resource ids');
  return v.map((id, i) => {
    if (typeof id !== 'string' || !acl.has(id)) throw new ConfigError(`${path}[${i}]`, `unknown ACL resource ${String(id)}`);
    return id;
  });
}

function parseRoute(raw: unknown, acl: AclTree, path: string): WebapiRoute {
  const r = mapping(raw, path);
  rejectUnknown(r, path, ['method', 'path', 'resources', 'parameters', 'agentResource', 'guestFallback']);
  const method = typeof r.method === 'string' ? r.method.toUpperCase() : '';
  if (!(HTTP_METHODS as readonly string[]).includes(method)) throw new ConfigError(`${path}.method`, `must be one of ${HTTP_METHODS.join(', ')}`);
  if (typeof r.path !== 'string' || !PATH.test(r.path)) throw new ConfigError(`${path}.path`, 'must look like /V1/segment/:param');
  if (!Array.isArray(r.resources) || r.resources.length === 0) throw new ConfigError(`${path}.resources`, 'must be a non-empty list');
  const resources = r.resources.map((res, i) => {
    if (res === 'anonymous' || res === 'self' || (typeof res === 'string' && acl.has(res))) return res as string;
    throw new ConfigError(`${path}.resources[${i}]`, `must be anonymous, self or a known ACL resource (got ${String(res)})`);
  });
  if (resources.includes('anonymous') && resources.length > 1) throw new ConfigError(`${path}.resources`, 'anonymous cannot be combined with other resources');
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.parameters === undefined ? {} : mapping(r.parameters, `${path}.parameters`))) {
    if (typeof value !== 'string' || value === '') throw new ConfigError(`${path}.parameters.${name}`, 'must be a string');
    if (value.startsWith('%') && !(PLACEHOLDERS as readonly string[]).includes(value)) throw new ConfigError(`${path}.parameters.${name}`, `unknown placeholder ${value} (expected ${PLACEHOLDERS.join(' or ')})`);
    parameters[name] = value;
  }
  let agentResource: string | undefined;
  if (r.agentResource !== undefined) {
    if (!resources.includes('self')) throw new ConfigError(`${path}.agentResource`, 'only applies to routes with the self resource');
    [agentResource] = aclIds([r.agentResource], acl, `${path}.agentResource`);
  }
  let guestFallback: string[] | undefined;
  if (r.guestFallback !== undefined) {
    if (!resources.includes('anonymous')) throw new ConfigError(`${path}.guestFallback`, 'only applies to anonymous routes');
    guestFallback = aclIds(r.guestFallback, acl, `${path}.guestFallback`);
  }
  return { method: method as HttpMethod, path: r.path, resources, parameters, agentResource, guestFallback, segments: r.path.split('/').slice(1) };
}

/** Validates a parsed profile; `source` prefixes every error's key path. */
export function parseWebapiProfile(doc: unknown, acl: AclTree, source = 'webapi.yaml'): WebapiProfile {
  const d = mapping(doc, source);
  rejectUnknown(d, source, ['acl', 'options', 'scopes', 'routes']);
  const options = d.options === undefined ? {} : mapping(d.options, `${source}: options`);
  rejectUnknown(options, `${source}: options`, ['allowAnonymousGuestAccess']);
  const allow = options.allowAnonymousGuestAccess ?? true;
  if (typeof allow !== 'boolean') throw new ConfigError(`${source}: options.allowAnonymousGuestAccess`, 'must be true or false');
  const scopes = new Map<string, string[]>();
  for (const [scope, ids] of Object.entries(d.scopes === undefined ? {} : mapping(d.scopes, `${source}: scopes`))) {
    if (!SCOPE_TOKEN.test(scope)) throw new ConfigError(`${source}: scopes.${scope}`, 'is not a valid OAuth scope token');
    scopes.set(scope, aclIds(ids, acl, `${source}: scopes.${scope}`));
  }
  if (!Array.isArray(d.routes) || d.routes.length === 0) throw new ConfigError(`${source}: routes`, 'must be a non-empty list');
  const seen = new Set<string>();
  const routes = d.routes.map((raw, i) => {
    const route = parseRoute(raw, acl, `${source}: routes[${i}]`);
    const key = `${route.method} ${route.path.replace(/:[^/]+/g, ':')}`;
    if (seen.has(key)) throw new ConfigError(`${source}: routes[${i}]`, `duplicate route ${route.method} ${route.path}`);
    seen.add(key);
    return route;
  });
  // Static segments win over parameters (/V1/carts/mine before /V1/carts/:cartId).
  const rank = (r: WebapiRoute) => r.segments.map((s) => (s.startsWith(':') ? '1' : '0')).join('');
  routes.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  return { acl, routes, scopes, allowAnonymousGuestAccess: allow };
}

/** Loads a profile; its `acl` key names the ACL tree file, relative to the profile. */
export function loadWebapiProfile(path: string, acl?: AclTree): WebapiProfile {
  const doc = parse(readFileSync(path, 'utf8')) as unknown;
  let tree = acl;
  if (!tree) {
    const ref = (doc as Raw | null)?.acl;
    if (typeof ref !== 'string') throw new ConfigError(`${path}: acl`, 'must name the ACL tree file (e.g. acl.yaml)');
    tree = loadAclTree(resolve(dirname(path), ref));
  }
  return parseWebapiProfile(doc, tree, path);
}

/** The profile shipped in config/magento/webapi.yaml. */
export const DEFAULT_WEBAPI_PATH = new URL('../../config/magento/webapi.yaml', import.meta.url).pathname;

/** /rest/V1/x, /rest/<store>/V1/x or /V1/x (query ignored) → /V1/x; else undefined. */
export function magentoRoutePath(url: string): string | undefined {
  const path = url.split('?')[0] as string;
  const m = /^(?:\/rest(?:\/(?!V1\/)[A-Za-z0-9_]+)?)?(\/V1\/.*)$/.exec(path);
  return m?.[1];
}

/** The profile route for a request, with its path parameters; undefined when none matches. */
export function matchRoute(profile: WebapiProfile, method: string, url: string): { route: WebapiRoute; params: Record<string, string> } | undefined {
  const path = magentoRoutePath(url);
  if (!path) return undefined;
  const parts = path.split('/').slice(1);
  const m = method.toUpperCase();
  for (const route of profile.routes) {
    if (route.method !== m || route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const hit = route.segments.every((seg, i) => {
      const part = parts[i] as string;
      if (seg.startsWith(':')) { if (part === '') return false; params[seg.slice(1)] = part; return true; }
      return seg === part;
    });
    if (hit) return { route, params };
  }
  return undefined;
}
