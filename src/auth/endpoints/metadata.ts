import type { FastifyInstance } from 'fastify';
import { ASSERTION_ALGS, AUTH_METHODS } from '../clients/metadata.ts';
import { grants } from '../grants/index.ts';
import type { AuthServices } from '../services.ts';

/** RFC 8414 metadata: only what is implemented is listed. */
export function serverMetadata(s: AuthServices): Record<string, unknown> {
  const e = s.endpoints;
  const authMethods = AUTH_METHODS.filter((m) => m !== 'none');
  const grantTypes = [...grants.keys()];
  const md: Record<string, unknown> = {
    issuer: e.issuer,
    token_endpoint: e.token,
    jwks_uri: e.jwks,
    revocation_endpoint: e.revocation,
    introspection_endpoint: e.introspection,
    scopes_supported: Object.keys(s.auth.scopes),
    grant_types_supported: grantTypes,
    response_types_supported: grantTypes.includes('authorization_code') ? ['code'] : [],
    response_modes_supported: ['query'],
    token_endpoint_auth_methods_supported: [...AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    // Public clients may revoke their own refresh tokens (RFC 7009 §2.1).
    revocation_endpoint_auth_methods_supported: [...AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    introspection_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGS],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    resource_indicators_supported: true,
    access_token_signing_alg_values_supported: [s.rt.config.keys.algorithm],
  };
  if (grantTypes.includes('authorization_code')) {
    md.authorization_endpoint = e.authorization;
    md.pushed_authorization_request_endpoint = e.par;
    // Clients may opt in one by one (require_pushed_authorization_requests metadata).
    md.require_pushed_authorization_requests = false;
  }
  if (s.auth.registration.enabled) md.registration_endpoint = e.registration;
  return md;
}

export function registerMetadataEndpoints(app: FastifyInstance, s: AuthServices): void {
  const send = async (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').type('application/json').send(JSON.stringify(serverMetadata(s)));
  app.get('/.well-known/oauth-authorization-server', send);
  app.get('/.well-known/openid-configuration', send);
}
