import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { ClientAuthConfig } from '../../config/schema.ts';
import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds, type Clock } from '../../platform/clock.ts';
import { InvalidClient } from '../../platform/errors.ts';
import type { AssertionJtiRepository } from '../../store/assertion-jtis.ts';
import { ASSERTION_ALGS } from '../clients/metadata.ts';
import type { Client } from '../clients/client-service.ts';
import type { JwksUriCache } from './jwks-uri.ts';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// jose error codes → fixed public text; the original error stays in the log as the cause.
const PUBLIC_TEXT: Record<string, string> = {
  ERR_JWT_EXPIRED: 'client assertion has expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'client assertion claims are invalid',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'client assertion signature is invalid',
  ERR_JWKS_NO_MATCHING_KEY: 'no registered key matches the client assertion',
  ERR_JOSE_ALG_NOT_ALLOWED: 'client assertion algorithm is not allowed',
  ERR_JWS_INVALID: 'client assertion is malformed',
  ERR_JWT_INVALID: 'client assertion is malformed',
};

/** The client_id an assertion claims (its `sub`), without trusting it yet. */
export function peekAssertionSubject(assertion: string): string | undefined {
  try {
    const { sub, iss } = decodeJwt(assertion);
    return typeof sub === 'string' && sub === iss ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 7523 §3 client assertions: signature, iss = sub = client_id, aud, exp, single-use jti. */
export class PrivateKeyJwtVerifier {
  readonly #issuer: string;
  readonly #tokenEndpoint: string;
  readonly #jtis: AssertionJtiRepository;
  readonly #clock: Clock;
  readonly #config: ClientAuthConfig;
  readonly #jwksUris: JwksUriCache;

  constructor(opts: { issuer: string; tokenEndpoint: string; jtis: AssertionJtiRepository; clock: Clock; config: ClientAuthConfig; jwksUris: JwksUriCache }) {
    this.#issuer = opts.issuer;
    this.#tokenEndpoint = opts.tokenEndpoint;
    this.#jtis = opts.jtis;
    this.#clock = opts.clock;
    this.#config = opts.config;
    this.#jwksUris = opts.jwksUris;
  }

  #keys(client: Client): JWTVerifyGetKey {
    if (client.metadata.jwks) return createLocalJWKSet(client.metadata.jwks as unknown as JSONWebKeySet);
    if (client.metadata.jwks_uri) return this.#jwksUris.resolver(client.metadata.jwks_uri);
    throw new InvalidClient('client has no registered keys');
  }

  async verify(client: Client, assertion: string, endpointUrl: string): Promise<void> {
    const pinned = client.metadata.token_endpoint_auth_signing_alg;
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, this.#keys(client), {
        algorithms: pinned ? [pinned] : [...ASSERTION_ALGS],
        issuer: client.clientId,
        subject: client.clientId,
        audience: [this.#issuer, this.#tokenEndpoint, endpointUrl],
        clockTolerance: this.#config.clockSkew,
        currentDate: new Date(this.#clock.now()),
        requiredClaims: ['exp', 'jti', 'aud'],
      }));
    } catch (err) {
      if (err instanceof InvalidClient) throw err;
      const code = (err as { code?: string }).code ?? '';
      throw new InvalidClient(PUBLIC_TEXT[code] ?? 'client assertion could not be verified', { cause: err });
    }
    const now = epochSeconds(this.#clock);
    const exp = payload.exp!;
    const start = typeof payload.iat === 'number' ? payload.iat : now;
    if (exp - start > this.#config.assertionMaxLifetime) throw new InvalidClient('client assertion lifetime is too long');
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw new InvalidClient('client assertion jti is invalid');
    const fresh = await this.#jtis.consume(sha256(`${client.clientId} ${payload.jti}`), exp + this.#config.clockSkew, now);
    if (!fresh) throw new InvalidClient('client assertion has already been used');
  }
}
