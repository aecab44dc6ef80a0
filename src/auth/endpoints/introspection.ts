import type { FastifyInstance } from 'fastify';
import { epochSeconds } from '../../platform/clock.ts';
import { InvalidClient } from '../../platform/errors.ts';
import { formOf } from '../request/form.ts';
import type { AuthServices } from '../services.ts';
import { findToken } from '../tokens/finders.ts';
import { noStore } from './oauth-plugin.ts';

/**
 * POST /introspect (RFC 7662). Callers authenticate as clients and see only tokens
 * meant for a resource they are allowed (or their own tokens); everything else,
 * like every invalid, expired or revoked token, is just `{"active": false}`.
 */
export function registerIntrospectionEndpoint(app: FastifyInstance, s: AuthServices): void {
  app.post('/introspect', async (request, reply) => {
    const form = formOf(request);
    const { client, method } = await s.authenticator.authenticate(request, form, s.endpoints.introspection);
    // Public clients hold no credential: they could be anyone, so they may not ask.
    if (method === 'none') throw new InvalidClient('introspection requires client authentication');
    const token = form.require('token');
    const info = await findToken(s, token, form.get('token_type_hint'));
    const visible = info !== undefined && (info.clientId === client.clientId || (info.aud !== undefined && client.metadata.resources.includes(info.aud)));
    const active = visible && !(await info.isRevoked());
    s.rt.audit.record({ time: epochSeconds(s.rt.clock), requestId: request.id, action: 'token.introspected', outcome: 'success', clientId: client.clientId, detail: { active, ...(info && active ? { jti: info.claims.jti } : {}) } });
    const body = active ? { active: true, ...info.claims } : { active: false };
    return noStore(reply).type('application/json').send(JSON.stringify(body));
  });
}
