import { sha256 } from '../../crypto/hash.ts';
import type { ResourceConfig } from '../../config/schema.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { InvalidGrant, InvalidScope, InvalidTarget } from '../../platform/errors.ts';
import type { RefreshTokenRow } from '../../store/refresh-tokens.ts';
import { grantService, scopeList } from '../consent/grant-service.ts';
import { mintPersonAccessToken, newRefreshToken, tokenResponse } from '../consent/token-family.ts';
import type { AuthServices } from '../services.ts';
import { parseScope } from '../tokens/target.ts';
import { peopleRepos } from '../users/people-repos.ts';
import type { Grant } from './grant.ts';

type Validated =
  | { ok: false; row: RefreshTokenRow }
  | { ok: true; row: RefreshTokenRow; resource: ResourceConfig; scope: string[] };

const INVALID = 'the refresh token is invalid, expired or revoked';

/**
 * RFC 6749 §6 with rotation (OAuth 2.1 §4.3.1): every use returns a new refresh token;
 * presenting a spent one revokes the family and the grant (it was stolen or replayed).
 */
export const refreshToken: Grant<Validated> = {
  grantType: 'refresh_token',
  parameters: ['refresh_token', 'scope', 'resource'],

  async validate({ services: s, client, params }) {
    const token = params.require('refresh_token');
    const repos = peopleRepos(s.rt);
    const found = token.length <= 200 ? await repos.refreshTokens.findWithContext(sha256(token)) : undefined;
    if (!found || found.client_id !== client.clientId) throw new InvalidGrant(INVALID, { cause: found ? 'issued to another client' : 'unknown token' });
    const { grant_status: grantStatus, user_disabled: userDisabled, ...row } = found;
    if (row.used_at !== null || row.revoked) return { ok: false, row };
    if (row.expires_at <= epochSeconds(s.rt.clock)) throw new InvalidGrant(INVALID, { cause: 'expired' });
    if (grantStatus !== 'active') throw new InvalidGrant(INVALID, { cause: 'grant ended' });
    if (userDisabled !== 0) throw new InvalidGrant(INVALID, { cause: 'account disabled' });
    const granted = scopeList(row.scope);
    const requested = parseScope(params.get('scope'));
    const refused = requested?.filter((x) => !granted.includes(x)) ?? [];
    if (refused.length) throw new InvalidScope(`scope not granted: ${refused.join(' ')}`);
    const resources = params.all('resource');
    if (resources.length > 1 || (resources[0] !== undefined && resources[0] !== row.resource)) throw new InvalidTarget('resource must be the one the grant was made for');
    const resource = s.auth.resources.find((r) => r.id === row.resource);
    if (!resource) throw new InvalidTarget('the resource of this grant is no longer served');
    return { ok: true, row, resource, scope: requested ?? granted };
  },

  async issue({ services: s, client }, v) {
    const now = epochSeconds(s.rt.clock);
    if (!v.ok) return refuseReuse(s, v.row, now);
    const access = await mintPersonAccessToken(s, { userId: v.row.user_id, client, grantId: v.row.grant_id, scope: v.scope, resource: v.resource });
    // The successor keeps the original scope (RFC 6749 §6) and the family's absolute end.
    const next = newRefreshToken(s, { userId: v.row.user_id, client, grantId: v.row.grant_id, scope: scopeList(v.row.scope), resource: v.resource.id, familyId: v.row.family_id, familyExpiresAt: v.row.expires_at, access });
    const rotation = await peopleRepos(s.rt).refreshTokens.rotate(v.row.token_hash, now, () => next.row);
    if (rotation.outcome !== 'rotated') return refuseReuse(s, rotation.outcome === 'unknown' ? v.row : rotation.row, now);
    await grantService(s).markUsed(v.row.grant_id);
    return {
      response: tokenResponse(access, v.scope, next.token),
      audit: { subject: v.row.user_id, detail: { grant_type: 'refresh_token', grant_id: v.row.grant_id, aud: v.resource.id, scope: v.scope.join(' '), jti: access.jti } },
    };
  },
};

/**
 * A spent or revoked token came back. Reuse ends the whole grant: every refresh token of
 * it (the family included) and, through the grant's revocation entry, every access token
 * carrying its grant_id — so no per-token revocations are needed on top.
 */
async function refuseReuse(s: AuthServices, row: RefreshTokenRow, now: number): Promise<never> {
  const reused = row.used_at !== null && !row.revoked;
  if (reused) {
    await grantService(s).revoke(row.grant_id, { status: 'broken', reason: 'refresh_token_reuse' });
    s.rt.audit.record({ time: now, action: 'token.refresh_reused', outcome: 'deny', clientId: row.client_id, subject: row.user_id, reason: 'refresh_token_reuse', detail: { grant_id: row.grant_id } });
  }
  throw new InvalidGrant(INVALID, { cause: reused ? 'reuse detected' : 'revoked' });
}
