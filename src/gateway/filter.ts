import { STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { RouteConfig } from './config.ts';
import type { GatewayDeps } from './deps.ts';

// Envoy-style filters: each is small, runs in route order and may stop the chain with
// a response. Only the chain runner (chain.ts) touches the reply.

/** Who is calling, as the authenticate filter established it. */
export interface Principal {
  sub: string;
  clientId: string;
  scopes: ReadonlySet<string>;
  scope: string;
  /** A person (customer or admin) is present, not just an agent acting as itself. */
  person: boolean;
  userType: 'customer' | 'admin' | 'integration' | 'agent' | 'guest';
  customerId: string | undefined;
  acl: readonly string[];
  act: unknown;
  grantId: string | undefined;
  jti: string | undefined;
  iat: number;
  exp: number;
  authMethod: 'jwt' | 'api_key' | 'introspection' | 'oauth1' | 'session';
  /** sha256 of the presented credential: the cache key for derived values. */
  credentialHash: string | undefined;
  /** Set for API keys: the key id and its own rate class. */
  apiKeyId?: string | undefined;
  rateClass?: string | undefined;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Readable | Buffer;
}

export interface RequestContext {
  readonly requestId: string;
  readonly method: string;
  readonly route: RouteConfig;
  /** Normalised, decoded path segments and the route's captured params. */
  readonly segments: readonly string[];
  params: Record<string, string>;
  /** Raw query string without `?` ('' when absent). */
  query: string;
  /** The client's headers; filters read them, request-transform builds the upstream set. */
  readonly headers: IncomingHttpHeaders;
  body: Buffer | undefined;
  readonly peerIp: string;
  clientIp: string;
  principal: Principal | undefined;
  /** Path (and query) for the upstream request, built by request-transform. */
  upstreamPath: string | undefined;
  /** Headers for the upstream request, built by request-transform. */
  upstreamHeaders: Record<string, string> | undefined;
  /** Extra headers for the client's response (RateLimit-*). */
  responseHeaders: Record<string, string>;
  response: UpstreamResponse | undefined;
}

/** Stops the chain. `reason` is snake_case, logged and counted, never sent. */
export interface Deny {
  status: number;
  reason: string;
  /** RFC 6750 error code (invalid_token, insufficient_scope) for WWW-Authenticate. */
  error?: string;
  /** Public text for the response body. */
  description: string;
  headers?: Record<string, string>;
  /** Magento error bodies: the `parameters` member (default []). */
  parameters?: unknown;
}

/** `undefined` continues the chain. */
export type FilterResult = Deny | undefined;

export interface Filter {
  readonly name: string;
  onRequest?(ctx: RequestContext): FilterResult | Promise<FilterResult>;
  /** Runs in reverse order after the upstream answered. */
  onResponse?(ctx: RequestContext, res: UpstreamResponse): void | Promise<void>;
}

export interface FilterFactory {
  readonly name: string;
  /** Filters that must run earlier in the same chain when this one is present. */
  readonly after: readonly string[];
  /** Built once per route at start; `undefined` when the route does not need it. */
  create(route: RouteConfig, deps: GatewayDeps): Filter | undefined;
}

export function deny(status: number, reason: string, description: string, extra: Partial<Pick<Deny, 'error' | 'headers' | 'parameters'>> = {}): Deny {
  return { status, reason, description, ...extra };
}

/** Error bodies: Magento's `{message, parameters}` on shop routes, RFC 9457 elsewhere. */
export function denyBody(format: RouteConfig['errors'], d: Pick<Deny, 'status' | 'description' | 'parameters'>): { type: string; body: string } {
  if (format === 'magento') return { type: 'application/json', body: JSON.stringify({ message: d.description, parameters: d.parameters ?? [] }) };
  return { type: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: STATUS_CODES[d.status] ?? 'Error', status: d.status, detail: d.description }) };
}
