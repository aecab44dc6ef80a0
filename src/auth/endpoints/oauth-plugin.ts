import type { FastifyInstance, FastifyReply } from 'fastify';
import { registerFormParser } from '../request/form.ts';

/** Headers every OAuth endpoint response carries (RFC 6749 §5.1). */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
}

/**
 * Encapsulated scope for the form-posting OAuth endpoints: their own body parsers
 * and `oauth: true` so every error is RFC 6749 §5.2 JSON.
 */
export async function oauthScope(app: FastifyInstance, register: (scope: FastifyInstance) => void): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    registerFormParser(scope);
    scope.addHook('onRoute', (route) => { route.config = { ...(route.config ?? {}), oauth: true }; });
    register(scope);
  });
}
