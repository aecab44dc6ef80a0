import type { AuthConfig } from '../../config/schema.ts';
import { InvalidClientMetadata, InvalidRedirectUri } from '../../platform/errors.ts';

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange'] as const;

export const ASSERTION_ALGS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'] as const;

/** Validated client metadata (RFC 7591 §2 names, snake_case on the wire and at rest). */
export interface ClientMetadata {
  client_name: string;
  token_endpoint_auth_method: AuthMethod;
  grant_types: string[];
  response_types: string[];
  redirect_uris: string[];
  /** Scopes the client may request. */
  scope: string;
  /** Resource servers (RFC 8707 ids) the client may obtain tokens for and introspect. */
  resources: string[];
  application_type: 'web' | 'native';
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  token_endpoint_auth_signing_alg?: string;
  contacts?: string[];
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  software_id?: string;
  software_version?: string;
  require_pushed_authorization_requests: boolean;
}

const STRING_FIELDS = ['client_name', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'software_id', 'software_version', 'jwks_uri', 'token_endpoint_auth_signing_alg', 'scope', 'application_type', 'token_endpoint_auth_method'] as const;
const LIST_FIELDS = ['grant_types', 'response_types', 'redirect_uris', 'contacts', 'resources'] as const;
const KNOWN = new Set<string>([...STRING_FIELDS, ...LIST_FIELDS, 'jwks', 'require_pushed_authorization_requests']);

function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '[::1]' || host === 'localhost';
}

/** An http(s) URL a user's browser may open (client_uri, logo_uri, …). */
function checkWebUrl(value: string, field: string): void {
  let u: URL;
  try { u = new URL(value); } catch { throw new InvalidClientMetadata(`${field} must be an absolute URL`); }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) throw new InvalidClientMetadata(`${field} must use https`);
}

/**
 * Redirect URIs: exact absolute URIs without fragments. Web clients use https (http only
 * on loopback, for development); native clients use loopback http or a private-use
 * scheme in reverse-domain form (RFC 8252 §7.1, §7.3).
 */
export function checkRedirectUri(value: string, applicationType: 'web' | 'native'): void {
  let u: URL;
  try { u = new URL(value); } catch { throw new InvalidRedirectUri(`redirect URI ${JSON.stringify(value)} is not an absolute URI`); }
  if (u.hash || value.includes('#')) throw new InvalidRedirectUri('redirect URIs must not contain a fragment');
  if (value.includes('*')) throw new InvalidRedirectUri('redirect URIs must not contain wildcards');
  if (u.username || u.password) throw new InvalidRedirectUri('redirect URIs must not contain credentials');
  if (u.protocol === 'https:') return;
  if (u.protocol === 'http:') {
    if (isLoopbackHost(u.hostname)) return;
    throw new InvalidRedirectUri('http redirect URIs are allowed only on loopback addresses');
  }
  if (applicationType === 'native' && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(u.protocol)) return;
  if (['javascript:', 'data:', 'file:', 'vbscript:'].includes(u.protocol)) throw new InvalidRedirectUri(`redirect URI scheme ${u.protocol} is not allowed`);
  throw new InvalidRedirectUri(applicationType === 'native' ? 'native redirect URIs must be loopback http, https or a reverse-domain private-use scheme' : 'web redirect URIs must use https');
}

function asString(input: Record<string, unknown>, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidClientMetadata(`${field} must be a string`);
  return v;
}

function asList(input: Record<string, unknown>, field: string): string[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InvalidClientMetadata(`${field} must be an array of strings`);
  return [...new Set(v as string[])];
}

/**
 * Validates metadata from the CLI or from dynamic registration. `auth` supplies the
 * scope and resource registries; anything unknown or inconsistent is refused.
 */
export function validateClientMetadata(input: Record<string, unknown>, auth: AuthConfig): ClientMetadata {
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key) && !key.startsWith('client_name#')) throw new InvalidClientMetadata(`unsupported client metadata field ${key}`);
  }
  const applicationType = asString(input, 'application_type') ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') throw new InvalidClientMetadata('application_type must be web or native');
  const method = (asString(input, 'token_endpoint_auth_method') ?? 'client_secret_basic') as AuthMethod;
  if (!AUTH_METHODS.includes(method)) throw new InvalidClientMetadata(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  const redirectUris = asList(input, 'redirect_uris') ?? [];
  const grantTypes = asList(input, 'grant_types') ?? (redirectUris.length ? ['authorization_code', 'refresh_token'] : ['client_credentials']);
  for (const g of grantTypes) if (!(GRANT_TYPES as readonly string[]).includes(g)) throw new InvalidClientMetadata(`unsupported grant type ${g}`);
  const responseTypes = asList(input, 'response_types') ?? (grantTypes.includes('authorization_code') ? ['code'] : []);
  for (const r of responseTypes) if (r !== 'code') throw new InvalidClientMetadata('only the response type "code" is supported');
  if (grantTypes.includes('authorization_code') !== responseTypes.includes('code')) throw new InvalidClientMetadata('grant type authorization_code and response type code go together');
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) throw new InvalidRedirectUri('authorization_code clients need at least one redirect URI');
  if (!grantTypes.includes('authorization_code') && redirectUris.length > 0) throw new InvalidClientMetadata('redirect_uris are only used with the authorization_code grant');
  if (grantTypes.includes('refresh_token') && !grantTypes.some((g) => g === 'authorization_code' || g.endsWith(':token-exchange'))) throw new InvalidClientMetadata('refresh_token needs a grant that issues refresh tokens');
  if (method === 'none' && grantTypes.includes('client_credentials')) throw new InvalidClientMetadata('public clients (token_endpoint_auth_method none) cannot use client_credentials');
  if (grantTypes.length === 0) throw new InvalidClientMetadata('grant_types must not be empty');
  for (const uri of redirectUris) checkRedirectUri(uri, applicationType);

  const jwks = input.jwks;
  const jwksUri = asString(input, 'jwks_uri');
  if (jwks !== undefined && jwksUri !== undefined) throw new InvalidClientMetadata('jwks and jwks_uri are mutually exclusive');
  if (jwks !== undefined) {
    if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) throw new InvalidClientMetadata('jwks must be a JWK Set');
    for (const k of (jwks as { keys: unknown[] }).keys) {
      if (typeof k !== 'object' || k === null) throw new InvalidClientMetadata('jwks keys must be objects');
      if ('d' in k || 'p' in k || 'k' in k) throw new InvalidClientMetadata('jwks must hold public keys only');
    }
  }
  if (jwksUri !== undefined) checkWebUrl(jwksUri, 'jwks_uri');
  if (method === 'private_key_jwt' && jwks === undefined && jwksUri === undefined) throw new InvalidClientMetadata('private_key_jwt needs jwks or jwks_uri');
  const signingAlg = asString(input, 'token_endpoint_auth_signing_alg');
  if (signingAlg !== undefined && !(ASSERTION_ALGS as readonly string[]).includes(signingAlg)) throw new InvalidClientMetadata(`token_endpoint_auth_signing_alg must be one of ${ASSERTION_ALGS.join(', ')}`);

  const known = Object.keys(auth.scopes);
  const scope = asString(input, 'scope');
  const scopes = scope === undefined ? known : scope.split(' ').filter(Boolean);
  for (const s of scopes) if (!auth.scopes[s]) throw new InvalidClientMetadata(`unknown scope ${s}`);
  const resources = asList(input, 'resources') ?? auth.resources.map((r) => r.id);
  for (const r of resources) if (!auth.resources.some((x) => x.id === r)) throw new InvalidClientMetadata(`unknown resource ${r}`);

  for (const f of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const) {
    const v = asString(input, f);
    if (v !== undefined) checkWebUrl(v, f);
  }
  const name = asString(input, 'client_name') ?? '';
  if (name.length > 200) throw new InvalidClientMetadata('client_name is too long');
  const par = input.require_pushed_authorization_requests;
  if (par !== undefined && typeof par !== 'boolean') throw new InvalidClientMetadata('require_pushed_authorization_requests must be a boolean');

  const out: ClientMetadata = {
    client_name: name,
    token_endpoint_auth_method: method,
    grant_types: grantTypes,
    response_types: responseTypes,
    redirect_uris: redirectUris,
    scope: scopes.join(' '),
    resources,
    application_type: applicationType,
    require_pushed_authorization_requests: par === true,
  };
  if (jwks !== undefined) out.jwks = jwks as { keys: Record<string, unknown>[] };
  if (jwksUri !== undefined) out.jwks_uri = jwksUri;
  if (signingAlg !== undefined) out.token_endpoint_auth_signing_alg = signingAlg;
  const contacts = asList(input, 'contacts');
  if (contacts) out.contacts = contacts;
  for (const f of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'software_id', 'software_version'] as const) {
    const v = asString(input, f);
    if (v !== undefined) out[f] = v;
  }
  return out;
}
