import { epochSeconds } from '../../platform/clock.ts';
import type { AuthServices } from '../services.ts';

/** What introspection and revocation learn about a token this server issued. */
export interface TokenInfo {
  kind: 'access_token' | 'refresh_token';
  clientId: string;
  /** The audience, for access tokens. */
  aud?: string;
  exp: number;
  /** The RFC 7662 response fields for an active token. */
  claims: Record<string, unknown>;
  /** Whether it has been revoked (checked separately, since it costs a lookup). */
  isRevoked(): Promise<boolean>;
  revoke(): Promise<void>;
}

/** A finder for one kind of token; grants that issue other token kinds add their own. */
export type TokenFinder = (s: AuthServices, token: string, hint: string | undefined) => Promise<TokenInfo | undefined>;

/** JWT access tokens: signature by one of our published keys, typ, issuer, expiry. */
export const findAccessToken: TokenFinder = async (s, token) => {
  const verified = s.rt.keys.verify(token);
  if (!verified || verified.header.typ !== 'at+jwt') return undefined;
  const c = verified.payload;
  const now = epochSeconds(s.rt.clock);
  if (c.iss !== s.rt.config.issuer || typeof c.exp !== 'number' || c.exp <= now || typeof c.client_id !== 'string' || typeof c.jti !== 'string') return undefined;
  if (typeof c.nbf === 'number' && c.nbf > now + 60) return undefined;
  const exp = c.exp;
  const jti = c.jti;
  return {
    kind: 'access_token',
    clientId: c.client_id,
    aud: typeof c.aud === 'string' ? c.aud : undefined,
    exp,
    claims: {
      scope: c.scope, client_id: c.client_id, sub: c.sub, aud: c.aud, iss: c.iss, exp: c.exp, iat: c.iat, nbf: c.nbf, jti: c.jti,
      token_type: 'Bearer',
      ...(c.grant_id !== undefined ? { grant_id: c.grant_id } : {}),
      ...(c.act !== undefined ? { act: c.act } : {}),
      ...(c.cnf !== undefined ? { cnf: c.cnf } : {}),
    },
    isRevoked: () => s.revocation.isRevoked(c),
    revoke: () => s.revocation.revokeJti(jti, exp),
  };
};
