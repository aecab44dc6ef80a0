import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { newId, prefixedToken } from '../../platform/ids.ts';
import type { ResourceConfig } from '../../config/schema.ts';
import type { Client } from '../clients/client-service.ts';
import type { TokenResponse } from '../grants/grant.ts';
import type { AuthServices } from '../services.ts';
import type { RefreshTokenRow } from '../../store/refresh-tokens.ts';
import type { IssuedAccessToken } from '../tokens/access-token.ts';
import { usersConfig } from '../users/users-config.ts';
import { OFFLINE_ACCESS } from './authorization-request.ts';

export const REFRESH_TOKEN_PREFIX = 'dpr';

/** What a person's grant yields: an access token and, with offline_access, a refresh token. */
export interface PersonTokens {
  response: TokenResponse;
  access: IssuedAccessToken;
  refresh?: { token: string; row: RefreshTokenRow };
}

/** Signed on the signer thread (issueAsync), so a burst of grants never blocks the event loop. */
export function mintPersonAccessToken(s: AuthServices, p: { userId: string; client: Client; grantId: string; scope: string[]; resource: ResourceConfig }): Promise<IssuedAccessToken> {
  return s.accessTokens.issueAsync({ sub: p.userId, clientId: p.client.clientId, scope: p.scope, audience: p.resource.id, ttl: p.resource.accessTokenTtl, grantId: p.grantId });
}

/** Whether a refresh token is issued: the person granted offline_access and the client may refresh. */
export function wantsRefresh(client: Client, scope: string[]): boolean {
  return scope.includes(OFFLINE_ACCESS) && client.metadata.grant_types.includes('refresh_token');
}

/** A refresh-token row (not yet stored) for a new or continuing family. */
export function newRefreshToken(s: AuthServices, p: { userId: string; client: Client; grantId: string; scope: string[]; resource: string; familyId?: string; familyExpiresAt?: number; access: IssuedAccessToken }): { token: string; row: RefreshTokenRow } {
  const now = epochSeconds(s.rt.clock);
  const token = prefixedToken(REFRESH_TOKEN_PREFIX, 32);
  return {
    token,
    row: {
      token_hash: sha256(token), family_id: p.familyId ?? newId(), grant_id: p.grantId, client_id: p.client.clientId, user_id: p.userId,
      scope: p.scope.join(' '), resource: p.resource, created_at: now,
      expires_at: p.familyExpiresAt ?? now + usersConfig(s.rt.config).refreshTokenLifetime,
      used_at: null, revoked: 0, access_jti: p.access.jti, access_exp: p.access.exp,
    },
  };
}

export function tokenResponse(access: IssuedAccessToken, scope: string[], refresh?: string): TokenResponse {
  return {
    access_token: access.token, token_type: 'Bearer', expires_in: access.exp - access.iat, scope: scope.join(' '),
    ...(refresh ? { refresh_token: refresh } : {}),
  };
}
