import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { InvalidClientMetadata, InvalidToken, OAuthError } from '../../platform/errors.ts';
import type { Client } from '../clients/client-service.ts';
import type { AuthServices } from '../services.ts';
import { noStore } from './oauth-plugin.ts';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  return typeof h === 'string' ? BEARER.exec(h)?.[1] : undefined;
}

function tokenError(description: string): InvalidToken {
  return new InvalidToken(description, { headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` } });
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const ct = String(request.headers['content-type'] ?? '');
  if (!ct.startsWith('application/json')) throw new InvalidClientMetadata('the request body must be application/json');
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidClientMetadata('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * RFC 7591 dynamic registration at POST /register and RFC 7592 management at
 * /register/:clientId with the registration access token. An initial access token
 * is required unless open registration of public clients is switched on.
 */
export function registerRegistrationEndpoints(app: FastifyInstance, s: AuthServices): void {
  if (!s.auth.registration.enabled) return;
  const rt = s.rt;
  const audit = (request: FastifyRequest, action: string, outcome: 'success' | 'failure', clientId?: string, reason?: string) =>
    rt.audit.record({ time: epochSeconds(rt.clock), requestId: request.id, action, outcome, clientId, reason });
  const respond = (reply: FastifyReply, code: number, client: Client, secrets: { clientSecret?: string; registrationAccessToken?: string }) => {
    const body: Record<string, unknown> = { ...s.clients.describe(client) };
    if (secrets.clientSecret) body.client_secret = secrets.clientSecret;
    if (secrets.registrationAccessToken) {
      body.registration_access_token = secrets.registrationAccessToken;
      body.registration_client_uri = `${s.endpoints.registration}/${encodeURIComponent(client.clientId)}`;
    }
    return noStore(reply).code(code).type('application/json').send(JSON.stringify(body));
  };

  app.post('/register', { config: { oauth: true } }, async (request, reply) => {
    try {
      const input = jsonBody(request);
      const iat = bearer(request);
      const isPublic = input.token_endpoint_auth_method === 'none';
      if (iat === undefined) {
        if (s.auth.registration.requireInitialAccessToken && !(isPublic && s.auth.registration.openPublicClients)) {
          throw tokenError('an initial access token is required to register');
        }
      }
      const metadata = s.clients.validate(input);
      if (iat !== undefined && !(await rt.repos.initialAccessTokens.spend(sha256(iat), epochSeconds(rt.clock)))) {
        throw tokenError('the initial access token is invalid or expired');
      }
      const created = await s.clients.createValidated(metadata, { createdBy: 'dcr', registrationToken: true });
      audit(request, 'client.registered', 'success', created.client.clientId);
      return respond(reply, 201, created.client, created);
    } catch (err) {
      if (err instanceof OAuthError) audit(request, 'client.registered', 'failure', undefined, err.error);
      throw err;
    }
  });

  const authorize = async (request: FastifyRequest): Promise<Client> => {
    const token = bearer(request);
    const { clientId } = request.params as { clientId: string };
    const client = await s.clients.get(clientId);
    // Same answer for unknown client and wrong token: nothing to learn by probing ids.
    if (!token || !client || !s.clients.checkRegistrationToken(client, token)) throw tokenError('the registration access token is invalid');
    return client;
  };

  app.get('/register/:clientId', { config: { oauth: true } }, async (request, reply) => {
    const client = await authorize(request);
    return respond(reply, 200, client, {});
  });

  app.put('/register/:clientId', { config: { oauth: true } }, async (request, reply) => {
    const client = await authorize(request);
    const input = { ...jsonBody(request) };
    if (input.client_id !== undefined && input.client_id !== client.clientId) throw new InvalidClientMetadata('client_id cannot change');
    // RFC 7592 §2.2: the request carries back client_id and may echo server-issued fields.
    for (const k of ['client_id', 'client_secret', 'client_id_issued_at', 'client_secret_expires_at', 'registration_access_token', 'registration_client_uri']) delete input[k];
    const updated = await s.clients.update(client.clientId, input);
    audit(request, 'client.updated', 'success', client.clientId);
    return respond(reply, 200, updated.client, updated);
  });

  app.delete('/register/:clientId', { config: { oauth: true } }, async (request, reply) => {
    const client = await authorize(request);
    await s.clients.delete(client.clientId);
    audit(request, 'client.deleted', 'success', client.clientId);
    return noStore(reply).code(204).send();
  });
}
