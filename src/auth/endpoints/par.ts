import type { FastifyInstance } from 'fastify';
import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { randomToken } from '../../platform/ids.ts';
import { InvalidRequest, OAuthError } from '../../platform/errors.ts';
import { AuthorizationPageError, PAR_URN_PREFIX, resolveClientAndRedirect, validateAuthorizationParams } from '../consent/authorization-request.ts';
import { FormParams, formOf } from '../request/form.ts';
import type { AuthServices } from '../services.ts';
import { peopleRepos } from '../users/people-repos.ts';
import { usersConfig } from '../users/users-config.ts';
import { noStore } from './oauth-plugin.ts';

const CLIENT_AUTH_PARAMS = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

/**
 * POST /par (RFC 9126): an authenticated client pushes its authorization request and
 * receives a one-time request_uri. The request is validated here exactly as /authorize
 * would, so errors reach the client directly as JSON.
 */
export function registerParEndpoint(app: FastifyInstance, s: AuthServices): void {
  app.post('/par', async (request, reply) => {
    const form = formOf(request);
    if (form.has('request_uri')) throw new InvalidRequest('request_uri must not be sent to the PAR endpoint');
    const { client } = await s.authenticator.authenticate(request, form, s.endpoints.par);
    const kept = new URLSearchParams();
    for (const name of form.names()) {
      if (CLIENT_AUTH_PARAMS.has(name) || name === 'client_id') continue;
      for (const v of form.all(name)) kept.append(name, v);
    }
    kept.set('client_id', client.clientId);
    const params = FormParams.parse(kept.toString());
    let redirectUri: string;
    try {
      ({ redirectUri } = await resolveClientAndRedirect(s, params));
    } catch (err) {
      if (err instanceof AuthorizationPageError) throw new OAuthError('invalid_request', 400, err.message);
      throw err;
    }
    validateAuthorizationParams(s, client, redirectUri, params);
    const requestUri = `${PAR_URN_PREFIX}${randomToken(32)}`;
    const ttl = usersConfig(s.rt.config).parLifetime;
    await peopleRepos(s.rt).requests.insert({ id_hash: sha256(requestUri), kind: 'par', client_id: client.clientId, params: kept.toString(), expires_at: epochSeconds(s.rt.clock) + ttl });
    return noStore(reply).code(201).type('application/json').send(JSON.stringify({ request_uri: requestUri, expires_in: ttl }));
  });
}
