import type { AuthConfig } from '../config/schema.ts';
import type { Runtime } from '../runtime.ts';
import { ClientService } from './clients/client-service.ts';
import { ClientAuthenticator } from './client-auth/authenticate.ts';
import { FailureCounter } from '../platform/failure-counter.ts';
import { JwksUriCache } from './client-auth/jwks-uri.ts';
import { PrivateKeyJwtVerifier } from './client-auth/private-key-jwt.ts';
import { AccessTokenIssuer } from './tokens/access-token.ts';
import type { RevocationService } from './tokens/revocation.ts';

export interface Endpoints {
  issuer: string;
  token: string;
  revocation: string;
  introspection: string;
  registration: string;
  jwks: string;
  authorization: string;
  par: string;
}

/** The authorization server's services, built once from the Runtime. */
export interface AuthServices {
  rt: Runtime;
  auth: AuthConfig;
  endpoints: Endpoints;
  clients: ClientService;
  authenticator: ClientAuthenticator;
  accessTokens: AccessTokenIssuer;
  revocation: RevocationService;
}

export function endpointsFor(issuer: string): Endpoints {
  return {
    issuer,
    token: `${issuer}/token`,
    revocation: `${issuer}/revoke`,
    introspection: `${issuer}/introspect`,
    registration: `${issuer}/register`,
    jwks: `${issuer}/jwks`,
    authorization: `${issuer}/authorize`,
    par: `${issuer}/par`,
  };
}

export function createAuthServices(rt: Runtime): AuthServices {
  const auth = rt.config.auth;
  const endpoints = endpointsFor(rt.config.issuer);
  const clients = new ClientService({ repo: rt.repos.clients, clock: rt.clock, bus: rt.bus, auth });
  const jwt = new PrivateKeyJwtVerifier({
    issuer: endpoints.issuer,
    tokenEndpoint: endpoints.token,
    jtis: rt.repos.assertionJtis,
    clock: rt.clock,
    config: auth.clientAuth,
    jwksUris: new JwksUriCache({ timeoutMs: auth.clientAuth.jwksUriTimeoutMs, maxBytes: auth.clientAuth.jwksUriMaxBytes }),
  });
  const limiter = new FailureCounter({ name: 'client-auth-fail', max: auth.clientAuth.maxFailures, windowSeconds: auth.clientAuth.failureWindow, redis: rt.redis });
  return {
    rt,
    auth,
    endpoints,
    clients,
    authenticator: new ClientAuthenticator({ clients, limiter, jwt }),
    accessTokens: new AccessTokenIssuer({ keys: rt.keys, issuer: rt.config.issuer, clock: rt.clock }),
    revocation: rt.revocation,
  };
}
