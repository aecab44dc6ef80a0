import type { FastifyRequest } from 'fastify';
import { InvalidClient, InvalidRequest, OAuthError } from '../../platform/errors.ts';
import type { ClientService, Client } from '../clients/client-service.ts';
import type { AuthMethod } from '../clients/metadata.ts';
import type { FormParams } from '../request/form.ts';
import type { FailureCounter } from '../../platform/failure-counter.ts';
import { JWT_BEARER_ASSERTION, peekAssertionSubject, type PrivateKeyJwtVerifier } from './private-key-jwt.ts';

export interface AuthenticatedClient {
  client: Client;
  method: AuthMethod;
}

interface Presented {
  method: AuthMethod;
  clientId: string | undefined;
  secret?: string;
  assertion?: string;
}

const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="deputy", charset="UTF-8"' };

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64. */
function parseBasic(header: string): { id: string; secret: string } {
  const raw = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = raw.indexOf(':');
  if (i < 0) throw new InvalidClient('malformed Basic credentials', { headers: BASIC_CHALLENGE });
  try {
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: dec(raw.slice(0, i)), secret: dec(raw.slice(i + 1)) };
  } catch {
    throw new InvalidClient('malformed Basic credentials', { headers: BASIC_CHALLENGE });
  }
}

/** Works out which single method the request uses (RFC 6749 §2.3: exactly one). */
function presented(request: FastifyRequest, form: FormParams): Presented {
  const auth = request.headers.authorization;
  const basic = typeof auth === 'string' && /^basic /i.test(auth) ? parseBasic(auth) : undefined;
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  const assertionType = form.get('client_assertion_type');
  const bodyId = form.get('client_id');
  const count = Number(!!basic) + Number(secret !== undefined) + Number(assertion !== undefined || assertionType !== undefined);
  if (count > 1) throw new InvalidRequest('use exactly one client authentication method');
  if (basic) {
    if (bodyId !== undefined && bodyId !== basic.id) throw new InvalidRequest('client_id does not match the authenticated client');
    return { method: 'client_secret_basic', clientId: basic.id, secret: basic.secret };
  }
  if (secret !== undefined) return { method: 'client_secret_post', clientId: bodyId, secret };
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== JWT_BEARER_ASSERTION) throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    if (assertion === undefined) throw new InvalidRequest('missing client_assertion');
    const sub = peekAssertionSubject(assertion);
    if (bodyId !== undefined && sub !== undefined && bodyId !== sub) throw new InvalidRequest('client_id does not match the client assertion');
    return { method: 'private_key_jwt', clientId: sub ?? bodyId, assertion };
  }
  return { method: 'none', clientId: bodyId };
}

/**
 * Client authentication for the token, revocation, introspection and PAR endpoints.
 * The method must be the one the client registered; failures count towards a per-client
 * lock-out; every failure is the same `invalid_client` to the caller.
 */
export class ClientAuthenticator {
  readonly #clients: ClientService;
  readonly #limiter: FailureCounter;
  readonly #jwt: PrivateKeyJwtVerifier;

  constructor(opts: { clients: ClientService; limiter: FailureCounter; jwt: PrivateKeyJwtVerifier }) {
    this.#clients = opts.clients;
    this.#limiter = opts.limiter;
    this.#jwt = opts.jwt;
  }

  async authenticate(request: FastifyRequest, form: FormParams, endpointUrl: string): Promise<AuthenticatedClient> {
    const p = presented(request, form);
    const headers = p.method === 'client_secret_basic' ? BASIC_CHALLENGE : undefined;
    const fail = (description: string, cause: string) => new InvalidClient(description, { cause, ...(headers ? { headers } : {}) });
    if (!p.clientId) throw fail('client authentication failed', 'no client id');
    const locked = await this.#limiter.lockedFor(p.clientId);
    if (locked > 0) {
      throw new OAuthError('invalid_client', 429, 'too many failed authentication attempts; try again later', { headers: { 'retry-after': String(locked) }, cause: 'locked' });
    }
    const client = await this.#clients.get(p.clientId);
    try {
      if (!client || client.row.disabled) throw fail('client authentication failed', client ? 'client disabled' : 'unknown client');
      if (client.metadata.token_endpoint_auth_method !== p.method) throw fail('client authentication failed', `method ${p.method} used, ${client.metadata.token_endpoint_auth_method} registered`);
      if (p.method === 'client_secret_basic' || p.method === 'client_secret_post') {
        if (!this.#clients.checkSecret(client, p.secret ?? '')) throw fail('client authentication failed', 'wrong secret');
      } else if (p.method === 'private_key_jwt') {
        await this.#jwt.verify(client, p.assertion!, endpointUrl);
      }
      return { client, method: p.method };
    } catch (err) {
      if (err instanceof InvalidClient) {
        // A registered client's id goes to the audit log with the failure, so attempts
        // against one client stand out there. An unknown id is not recorded: it is
        // whatever the caller typed — a secret pasted into the wrong field, say.
        if (client) err.claimedClientId = client.clientId;
        await this.#limiter.fail(p.clientId);
      }
      throw err;
    }
  }
}
