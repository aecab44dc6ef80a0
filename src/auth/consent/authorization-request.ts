import type { ResourceConfig } from '../../config/schema.ts';
import { InvalidRequest, InvalidScope, OAuthError } from '../../platform/errors.ts';
import type { Client } from '../clients/client-service.ts';
import type { FormParams } from '../request/form.ts';
import type { AuthServices } from '../services.ts';
import { parseScope, resolveResource, resolveScope } from '../tokens/target.ts';

/** A validated authorization request (RFC 6749 §4.1.1 + RFC 7636 + RFC 8707). */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  /** Requested scope, offline_access included when asked for and allowed. */
  scope: string[];
  resource: string;
  /** prompt=none / prompt=consent (login is always interactive when needed). */
  prompt: 'none' | 'consent' | undefined;
}

/** Shown as a page: the redirect URI cannot be trusted, so never redirect (RFC 6749 §4.1.2.1). */
export class AuthorizationPageError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(status: number, title: string, message: string) { super(message); this.status = status; this.title = title; }
}

export class UnsupportedResponseType extends OAuthError {
  constructor(description: string) { super('unsupported_response_type', 400, description); }
}

export const OFFLINE_ACCESS = 'offline_access';
export const PAR_URN_PREFIX = 'urn:ietf:params:oauth:request_uri:';
const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/**
 * Exact match, except that native clients may use any port on a loopback IP literal
 * (RFC 8252 §7.3): the registered port is ignored, everything else must be equal.
 */
export function matchRedirectUri(client: Client, requested: string | undefined): string | undefined {
  const registered = client.metadata.redirect_uris;
  if (requested === undefined) return registered.length === 1 ? registered[0] : undefined;
  if (registered.includes(requested)) return requested;
  if (client.metadata.application_type !== 'native') return undefined;
  let u: URL;
  try { u = new URL(requested); } catch { return undefined; }
  if (u.protocol !== 'http:' || !LOOPBACK_IPS.has(u.hostname)) return undefined;
  const withoutPort = (x: URL) => `${x.protocol}//${x.hostname}${x.pathname}${x.search}`;
  return registered.some((r) => {
    try { const ru = new URL(r); return ru.protocol === 'http:' && LOOPBACK_IPS.has(ru.hostname) && withoutPort(ru) === withoutPort(u); } catch { return false; }
  }) ? requested : undefined;
}

/** Step 1: the client and its redirect URI; failures here become an error page. */
export async function resolveClientAndRedirect(s: AuthServices, params: FormParams): Promise<{ client: Client; redirectUri: string }> {
  let clientId: string | undefined;
  let redirect: string | undefined;
  try {
    clientId = params.get('client_id');
    redirect = params.get('redirect_uri');
  } catch {
    throw new AuthorizationPageError(400, 'Invalid request', 'client_id or redirect_uri is repeated.');
  }
  if (!clientId) throw new AuthorizationPageError(400, 'Invalid request', 'The request names no client (client_id is missing).');
  const client = await s.clients.get(clientId);
  if (!client || client.row.disabled) throw new AuthorizationPageError(400, 'Unknown agent', 'This agent is not registered here, or has been disabled.');
  if (!client.metadata.response_types.includes('code')) throw new AuthorizationPageError(400, 'Invalid request', 'This agent is not allowed to ask people for access.');
  const redirectUri = matchRedirectUri(client, redirect);
  if (!redirectUri) throw new AuthorizationPageError(400, 'Invalid redirect', 'The redirect URI does not match any the agent registered.');
  return { client, redirectUri };
}

function checkPkce(params: FormParams): string {
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (!challenge) throw new InvalidRequest('code_challenge is required (PKCE with S256)');
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw new InvalidRequest('code_challenge must be a base64url SHA-256 digest');
  return challenge;
}

function resolveRequestedScope(client: Client, resource: ResourceConfig, raw: string | undefined): string[] {
  const requested = parseScope(raw);
  const offline = requested?.includes(OFFLINE_ACCESS) ?? false;
  const base = requested?.filter((x) => x !== OFFLINE_ACCESS);
  const scope = resolveScope(client, resource, base);
  if (scope.length === 0) throw new InvalidScope('request at least one scope for the resource');
  if (offline) {
    if (!client.metadata.scope.split(' ').includes(OFFLINE_ACCESS) || !client.metadata.grant_types.includes('refresh_token')) throw new InvalidScope(`scope not allowed: ${OFFLINE_ACCESS}`);
    scope.push(OFFLINE_ACCESS);
  }
  return scope;
}

/**
 * Step 2, once the redirect URI is trusted: every other check. Errors thrown here are
 * OAuthErrors the caller sends back to the redirect URI.
 */
export function validateAuthorizationParams(s: AuthServices, client: Client, redirectUri: string, params: FormParams): AuthorizationRequest {
  const state = params.get('state');
  if (state !== undefined && state.length > 2000) throw new InvalidRequest('state is too long');
  const responseType = params.get('response_type');
  if (!responseType) throw new InvalidRequest('response_type is required');
  if (responseType !== 'code') throw new UnsupportedResponseType('only response_type=code is supported');
  const mode = params.get('response_mode');
  if (mode !== undefined && mode !== 'query') throw new InvalidRequest('only response_mode=query is supported');
  if (params.has('request')) throw new OAuthError('request_not_supported', 400, 'request objects are not supported; use PAR');
  const codeChallenge = checkPkce(params);
  const resource = resolveResource(s.auth, client, params.all('resource'));
  const scope = resolveRequestedScope(client, resource, params.get('scope'));
  const prompt = params.get('prompt');
  if (prompt !== undefined && prompt !== 'none' && prompt !== 'login' && prompt !== 'consent') throw new InvalidRequest('prompt must be none, login or consent');
  return { clientId: client.clientId, redirectUri, state, codeChallenge, scope, resource: resource.id, prompt: prompt === 'login' ? undefined : prompt };
}

/** RFC 6749 §4.1.2 / RFC 9207: the redirect back to the client, always with `iss`. */
export function authorizationResponseUrl(redirectUri: string, issuer: string, fields: Record<string, string | undefined>): string {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) u.searchParams.append(k, v);
  u.searchParams.append('iss', issuer);
  return u.toString();
}

export function errorResponseUrl(req: { redirectUri: string; state: string | undefined }, issuer: string, err: OAuthError): string {
  return authorizationResponseUrl(req.redirectUri, issuer, { error: err.error, error_description: err.description, state: req.state });
}
