import type { FastifyInstance } from 'fastify';
import { epochSeconds } from '../../platform/clock.ts';
import { InvalidClient, InvalidRequest, OAuthError, UnauthorizedClient, UnsupportedGrantType } from '../../platform/errors.ts';
import { grants } from '../grants/index.ts';
import { formOf } from '../request/form.ts';
import type { AuthServices } from '../services.ts';
import { noStore } from './oauth-plugin.ts';

const CLIENT_AUTH_PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'];

/**
 * POST /token: parse → find grant → authenticate client → check the client may use the
 * grant → grant.validate (reads only) → grant.issue (writes) → audit.
 */
export function registerTokenEndpoint(app: FastifyInstance, s: AuthServices): void {
  app.post('/token', async (request, reply) => {
    const rt = s.rt;
    let clientId: string | undefined;
    let grantType: string | undefined;
    try {
      const form = formOf(request);
      grantType = form.get('grant_type');
      if (!grantType) throw new InvalidRequest('missing required parameter grant_type');
      const grant = grants.get(grantType);
      if (!grant) throw new UnsupportedGrantType(`grant type ${grantType.slice(0, 100)} is not supported`);
      const { client } = await s.authenticator.authenticate(request, form, s.endpoints.token);
      clientId = client.clientId;
      if (!client.metadata.grant_types.includes(grant.grantType)) throw new UnauthorizedClient(`the client may not use the ${grant.grantType} grant`);
      const req = { services: s, client, params: form.pick([...grant.parameters, ...CLIENT_AUTH_PARAMS]), request };
      const validated = await grant.validate(req);
      const { response, audit } = await grant.issue(req, validated);
      rt.audit.record({ time: epochSeconds(rt.clock), requestId: request.id, action: 'token.issued', outcome: 'success', clientId, subject: audit.subject, detail: audit.detail });
      return noStore(reply).type('application/json').send(JSON.stringify(response));
    } catch (err) {
      if (err instanceof OAuthError) {
        const cause = err.cause === undefined ? undefined : err.cause instanceof Error ? err.cause.message : String(err.cause);
        rt.audit.record({ time: epochSeconds(rt.clock), requestId: request.id, action: 'token.refused', outcome: 'failure', clientId, reason: err.error, detail: { grant_type: grantType?.slice(0, 100), description: err.description, ...(cause ? { cause } : {}), ...(err instanceof InvalidClient && err.claimedClientId !== undefined ? { claimed_client_id: err.claimedClientId } : {}) } });
      }
      throw err;
    }
  });
}
