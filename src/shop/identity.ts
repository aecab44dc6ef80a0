import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '../platform/clock.ts';
import { MagentoError } from './errors.ts';

// The shop trusts no client header: every request must carry the gateway's internal
// identity token (docs/internal-identity.md), verified here against the gateway's JWKS.

export const IDENTITY_HEADER = 'x-deputy-identity';
export const USER_TYPES = ['customer', 'admin', 'integration', 'agent', 'guest'] as const;
export type UserType = (typeof USER_TYPES)[number];

export interface ShopIdentity {
  sub: string;
  userType: UserType;
  /** The Deputy user the shop's customer row is linked to, when a customer is known. */
  customerId: string | undefined;
  clientId: string | undefined;
  scope: string[];
  acl: string[];
  authMethod: string | undefined;
  email: string | undefined;
  givenName: string | undefined;
  familyName: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    shopIdentity: ShopIdentity | null;
  }
}

export interface IdentityOptions { audience: string; jwks: JWTVerifyGetKey; clock?: Clock }

const optionalString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function toIdentity(p: JWTPayload): ShopIdentity {
  const userType = p.user_type;
  if (typeof userType !== 'string' || !(USER_TYPES as readonly string[]).includes(userType)) throw new Error('user_type missing or unknown');
  if (typeof p.sub !== 'string' || p.sub === '') throw new Error('sub missing');
  const acl = p.acl ?? [];
  if (!Array.isArray(acl) || !acl.every((a) => typeof a === 'string')) throw new Error('acl must be a list of strings');
  if (p.scope !== undefined && typeof p.scope !== 'string') throw new Error('scope must be a string');
  const customerId = typeof p.customer_id === 'number' ? String(p.customer_id) : optionalString(p.customer_id);
  return {
    sub: p.sub,
    userType: userType as UserType,
    // A customer acting for themselves is identified by sub when no customer_id is given.
    customerId: customerId ?? (userType === 'customer' ? p.sub : undefined),
    clientId: optionalString(p.client_id),
    scope: typeof p.scope === 'string' ? p.scope.split(' ').filter(Boolean) : [],
    acl: acl as string[],
    authMethod: optionalString(p.auth_method),
    email: optionalString(p.email),
    givenName: optionalString(p.given_name),
    familyName: optionalString(p.family_name),
  };
}

const MAX_AGE = 120;
const TOLERANCE = 5;

/**
 * Verifies one identity token; throws on anything short of a valid one. A verified token
 * is remembered until it would stop verifying (exp or max age), so a gateway that reuses
 * a token for a principal costs one signature check, not one per request.
 */
export function identityVerifier(opts: IdentityOptions): (token: string) => Promise<ShopIdentity> {
  const clock = opts.clock ?? systemClock;
  const cache = new LRUCache<string, { identity: ShopIdentity; validUntil: number }>({ max: 10_000 });
  return async (token) => {
    const now = clock.now() / 1000;
    const hit = cache.get(token);
    if (hit && hit.validUntil > now) return hit.identity;
    const { payload } = await jwtVerify(token, opts.jwks, {
      algorithms: ['ES256'],
      typ: 'deputy-identity+jwt',
      issuer: 'deputy-gateway',
      audience: opts.audience,
      requiredClaims: ['iat', 'exp', 'jti', 'sub'],
      // The gateway mints these for 60 s; anything older than two minutes is suspect.
      maxTokenAge: MAX_AGE,
      clockTolerance: TOLERANCE,
      currentDate: new Date(clock.now()),
    });
    const identity = toIdentity(payload);
    const validUntil = Math.min((payload.exp as number) + TOLERANCE, (payload.iat as number) + MAX_AGE + TOLERANCE);
    cache.set(token, { identity, validUntil });
    return identity;
  };
}

const unauthenticated = () => new MagentoError(401, 'The request must come through the Deputy gateway with a valid identity.');

/** onRequest hook: sets request.shopIdentity or refuses with 401 (Magento body). */
export function requireIdentity(verify: (token: string) => Promise<ShopIdentity>) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers[IDENTITY_HEADER];
    if (typeof header !== 'string' || header === '' || header.length > 8192) throw unauthenticated();
    try {
      request.shopIdentity = await verify(header);
    } catch (err) {
      const code = err instanceof joseErrors.JOSEError ? err.code : 'ERR_IDENTITY_CLAIMS';
      request.log.info({ reason: code }, 'identity token refused');
      throw unauthenticated();
    }
  };
}

/** The verified identity; only absent if a route was registered outside the hook. */
export function identityOf(request: FastifyRequest): ShopIdentity {
  if (!request.shopIdentity) throw unauthenticated();
  return request.shopIdentity;
}
