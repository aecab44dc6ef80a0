import { epochSeconds } from '../../platform/clock.ts';
import { deny, type Deny, type FilterFactory, type Principal, type RequestContext } from '../filter.ts';
import { IntrospectionUnavailable, type ActiveToken } from '../introspection.ts';
import { bearerChallenge } from '../resource-metadata.ts';
import { isApiKey, type ApiKeyRecord } from '../api-keys.ts';
import { TokenError, type AccessClaims } from '../token-verifier.ts';

// Bearer JWT authentication (RFC 6750, RFC 9068). Anonymous routes still reject a
// presented token that does not verify: a caller should learn its token is bad.

const USER_TYPES = new Set(['customer', 'admin', 'integration', 'agent']);

function principalFrom(c: AccessClaims, hash: string): Principal {
  const person = c.sub !== c.client_id;
  const userType = (typeof c.user_type === 'string' && USER_TYPES.has(c.user_type) ? c.user_type : person ? 'customer' : 'agent') as Principal['userType'];
  const cid = c.customer_id;
  const customerId = typeof cid === 'string' || typeof cid === 'number' ? String(cid) : person && userType === 'customer' ? c.sub : undefined;
  const scope = c.scope ?? '';
  return {
    sub: c.sub, clientId: c.client_id, scope, scopes: new Set(scope.split(' ').filter(Boolean)), person, userType, customerId,
    acl: Array.isArray(c.acl) ? c.acl.filter((a): a is string => typeof a === 'string') : [],
    act: c.act, grantId: c.grant_id, jti: c.jti, iat: c.iat, exp: c.exp, authMethod: 'jwt', credentialHash: hash,
  };
}

function principalFromApiKey(k: ApiKeyRecord, hash: string): Principal {
  const sub = k.subject ?? k.clientId;
  return {
    sub, clientId: k.clientId, scope: k.scope, scopes: new Set(k.scope.split(' ').filter(Boolean)), person: k.subject !== undefined && k.subject !== k.clientId,
    userType: k.userType, customerId: k.userType === 'customer' && k.subject ? k.subject : undefined, acl: k.acl, act: undefined, grantId: undefined,
    jti: undefined, iat: k.createdAt, exp: k.expiresAt, authMethod: 'api_key', credentialHash: hash, apiKeyId: k.id, rateClass: k.rateLimit,
  };
}

/** Three base64url parts: a JWT (anything else is an API key or an opaque token). */
export const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;
/** RFC 6750 §2.1 credentials; the scheme is case-insensitive. */
export const BEARER = /^Bearer +([^ ]+) *$/i;

function principalFromIntrospection(t: ActiveToken, hash: string): Principal {
  const person = t.sub !== t.clientId;
  return {
    sub: t.sub, clientId: t.clientId, scope: t.scope, scopes: new Set(t.scope.split(' ').filter(Boolean)), person, userType: person ? 'customer' : 'agent',
    customerId: person ? t.sub : undefined, acl: [], act: undefined, grantId: undefined, jti: t.jti, iat: t.iat, exp: t.exp, authMethod: 'introspection', credentialHash: hash,
  };
}

export const authenticate: FilterFactory = {
  name: 'authenticate',
  after: [],
  create(route, deps) {
    const resource = route.resource;
    const scope = route.permission.scopes.join(' ') || undefined;
    const anonymous = route.permission.anonymous;
    const principals = new WeakMap<AccessClaims, Principal>();
    const introspect = async (ctx: RequestContext, token: string): Promise<Deny | undefined> => {
      let r;
      try { r = await deps.introspector!.introspect(token); } catch (err) {
        if (err instanceof IntrospectionUnavailable) return deny(503, 'introspection_unavailable', 'The token cannot be checked right now; retry later.', { headers: { 'retry-after': '5' } });
        throw err;
      }
      if (!r.token) return challenge(401, 'token_inactive', 'invalid_token', 'The access token is invalid.');
      if (!r.token.aud.includes(resource)) return challenge(401, 'wrong_audience', 'invalid_token', 'The access token is not meant for this resource.');
      const p = principalFromIntrospection(r.token, r.hash);
      const revoked = deps.revocations.check({ jti: p.jti, sub: p.sub, iat: p.iat });
      if (revoked) return challenge(401, revoked, 'invalid_token', 'The access token has been revoked.');
      ctx.principal = p;
      return undefined;
    };
    const challenge = (status: number, reason: string, error?: string, description?: string): Deny =>
      deny(status, reason, description ?? 'Authentication is required.', { ...(error ? { error } : {}), headers: { 'www-authenticate': bearerChallenge({ resource, scope, error, description }) } });
    return {
      name: 'authenticate',
      async onRequest(ctx) {
        if (ctx.principal) return undefined; // oauth1-authenticate or session-authenticate already decided
        const header = ctx.headers.authorization;
        if (header === undefined || header === '') return anonymous ? undefined : challenge(401, 'missing_token');
        const m = BEARER.exec(header);
        if (!m) return challenge(401, 'unsupported_auth_scheme', 'invalid_request', 'Use the Bearer authentication scheme.');
        if (deps.apiKeys && isApiKey(m[1]!)) {
          const found = await deps.apiKeys.lookup(m[1]!, epochSeconds(deps.clock));
          if (!found) return challenge(401, 'api_key_invalid', 'invalid_token', 'The access token is invalid.');
          if (found.record.resources.length && !found.record.resources.includes(resource)) return challenge(401, 'api_key_wrong_resource', 'invalid_token', 'The access token is not meant for this resource.');
          const p = principalFromApiKey(found.record, found.hash);
          const revoked = deps.revocations.check({ sub: p.sub, iat: p.iat });
          if (revoked) return challenge(401, revoked, 'invalid_token', 'The access token has been revoked.');
          ctx.principal = p;
          return undefined;
        }
        if (deps.introspector && !JWT_SHAPE.test(m[1]!)) return introspect(ctx, m[1]!);
        let verified;
        try {
          verified = await deps.verifier.verify(m[1]!, resource);
        } catch (err) {
          if (err instanceof TokenError) return challenge(401, err.reason, 'invalid_token', err.description);
          throw err;
        }
        // Cached tokens return the same claims object, so their principal is built once.
        let p = principals.get(verified.claims);
        if (!p) { p = principalFrom(verified.claims, verified.hash); principals.set(verified.claims, p); }
        const revoked = deps.revocations.check({ jti: p.jti, grantId: p.grantId, sub: p.sub, iat: p.iat });
        if (revoked) return challenge(401, revoked, 'invalid_token', 'The access token has been revoked.');
        ctx.principal = p;
        return undefined;
      },
    };
  },
};
