import type { FastifyInstance } from 'fastify';
import { epochSeconds } from '../../platform/clock.ts';
import { InvalidRequest } from '../../platform/errors.ts';
import { formOf } from '../request/form.ts';
import type { AuthServices } from '../services.ts';
import { findToken } from '../tokens/finders.ts';
import { noStore } from './oauth-plugin.ts';

/**
 * POST /revoke (RFC 7009). Unknown, invalid and expired tokens answer 200 (§2.2);
 * a token issued to another client is refused.
 */
export function registerRevocationEndpoint(app: FastifyInstance, s: AuthServices): void {
  app.post('/revoke', async (request, reply) => {
    const form = formOf(request);
    const { client } = await s.authenticator.authenticate(request, form, s.endpoints.revocation);
    const token = form.require('token');
    const info = await findToken(s, token, form.get('token_type_hint'));
    const time = epochSeconds(s.rt.clock);
    if (info && info.clientId !== client.clientId) {
      s.rt.audit.record({ time, requestId: request.id, action: 'token.revoke_refused', outcome: 'failure', clientId: client.clientId, reason: 'not_owner', detail: { jti: info.claims.jti } });
      throw new InvalidRequest('the token was not issued to this client');
    }
    if (info) {
      await info.revoke();
      s.rt.audit.record({ time, requestId: request.id, action: 'token.revoked', outcome: 'success', clientId: client.clientId, subject: typeof info.claims.sub === 'string' ? info.claims.sub : undefined, detail: { kind: info.kind, jti: info.claims.jti } });
    }
    return noStore(reply).code(200).send();
  });
}
