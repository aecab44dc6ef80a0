import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../services.ts';

/**
 * GET /jwks. Cacheable for a short time: keys are published `keys.activationDelay`
 * seconds before they sign, so max-age must stay well below that delay.
 */
export function registerJwksEndpoint(app: FastifyInstance, s: AuthServices): void {
  const maxAge = Math.max(0, Math.min(300, Math.floor(s.rt.config.keys.activationDelay / 4)));
  app.get('/jwks', async (request, reply) => {
    const body = s.rt.keys.jwks();
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    reply.headers({ 'cache-control': `public, max-age=${maxAge}`, etag, 'access-control-allow-origin': '*' });
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/jwk-set+json').send(body);
  });
}
