import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { findAccessToken, type TokenFinder } from '../tokens/inspect.ts';
import { peopleRepos } from '../users/people-repos.ts';
import { grantService } from './grant-service.ts';
import { REFRESH_TOKEN_PREFIX } from './token-family.ts';

/** Refresh tokens at /introspect and /revoke (RFC 7662, RFC 7009). */
export const findRefreshToken: TokenFinder = async (s, token) => {
  if (!token.startsWith(`${REFRESH_TOKEN_PREFIX}_`) || token.length > 200) return undefined;
  const repos = peopleRepos(s.rt);
  const row = await repos.refreshTokens.find(sha256(token));
  if (!row || row.expires_at <= epochSeconds(s.rt.clock)) return undefined;
  return {
    kind: 'refresh_token',
    clientId: row.client_id,
    exp: row.expires_at,
    claims: { scope: row.scope, client_id: row.client_id, sub: row.user_id, exp: row.expires_at, iat: row.created_at, grant_id: row.grant_id, token_type: 'refresh_token', ...(row.resource ? { aud: row.resource } : {}) },
    async isRevoked() {
      if (row.used_at !== null || row.revoked) return true;
      const grant = await repos.grants.find(row.grant_id);
      if (!grant || grant.status !== 'active') return true;
      await grantService(s).markUsed(row.grant_id);
      return false;
    },
    // RFC 7009 §2.1: revoking a refresh token also ends the access tokens issued with it.
    async revoke() {
      await grantService(s).revokeIssued(await repos.refreshTokens.revokeFamily(row.family_id));
    },
  };
};

/**
 * A JWT access token, as the core finder reads it (its revocation check covers jti, grant
 * and subject); for a person's token, introspecting it also counts as use of the grant.
 */
export const findPersonAccessToken: TokenFinder = async (s, token, hint) => {
  const info = await findAccessToken(s, token, hint);
  const grantId = info?.claims.grant_id;
  // Agents' own tokens pass through unchanged (and are not verified a second time).
  if (!info || typeof grantId !== 'string') return info;
  return {
    ...info,
    async isRevoked() {
      const revoked = await info.isRevoked();
      if (!revoked) await grantService(s).markUsed(grantId);
      return revoked;
    },
  };
};
