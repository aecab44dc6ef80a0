import { sha256 } from '../../crypto/hash.ts';
import type { ResourceConfig } from '../../config/schema.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { InvalidGrant, InvalidRequest, InvalidTarget } from '../../platform/errors.ts';
import type { AuthorizationCodeRow } from '../../store/authorization-codes.ts';
import { matchRedirectUri } from '../consent/authorization-request.ts';
import { grantService, scopeList } from '../consent/grant-service.ts';
import { checkS256, isValidVerifier } from '../consent/pkce.ts';
import { mintPersonAccessToken, newRefreshToken, tokenResponse, wantsRefresh } from '../consent/token-family.ts';
import { peopleRepos } from '../users/people-repos.ts';
import type { AuthServices } from '../services.ts';
import type { Grant } from './grant.ts';

type Validated = { replay: true; row: AuthorizationCodeRow } | { replay: false; row: AuthorizationCodeRow; resource: ResourceConfig };

/** RFC 6749 §4.1.3 with PKCE (RFC 7636): a person's consent becomes tokens, once. */
export const authorizationCode: Grant<Validated> = {
  grantType: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier', 'resource'],

  async validate({ services: s, client, params }) {
    const code = params.require('code');
    const found = code.length <= 100 ? await peopleRepos(s.rt).codes.findWithContext(sha256(code)) : undefined;
    if (!found || found.client_id !== client.clientId) throw new InvalidGrant('the authorization code is invalid', { cause: found ? 'issued to another client' : 'unknown code' });
    const { grant_status: grantStatus, user_disabled: userDisabled, ...row } = found;
    // A second redemption by the client it was issued to: refuse, and revoke what the first issued.
    if (row.used_at !== null) return { replay: true, row };
    if (row.expires_at <= epochSeconds(s.rt.clock)) throw new InvalidGrant('the authorization code has expired');
    const verifier = params.get('code_verifier');
    if (!verifier) throw new InvalidRequest('code_verifier is required');
    if (!isValidVerifier(verifier) || !checkS256(verifier, row.code_challenge)) throw new InvalidGrant('PKCE verification failed');
    const redirect = params.get('redirect_uri');
    if (redirect !== undefined ? redirect !== row.redirect_uri : matchRedirectUri(client, undefined) !== row.redirect_uri) {
      throw new InvalidGrant('redirect_uri does not match the authorization request');
    }
    const resources = params.all('resource');
    if (resources.length > 1 || (resources[0] !== undefined && resources[0] !== row.resource)) throw new InvalidTarget('resource must be the one of the authorization request');
    const resource = s.auth.resources.find((r) => r.id === row.resource);
    if (!resource) throw new InvalidTarget('the resource of this code is no longer served');
    if (grantStatus !== 'active') throw new InvalidGrant('the grant behind this code has been revoked');
    if (userDisabled !== 0) throw new InvalidGrant('the account behind this code is disabled');
    return { replay: false, row, resource };
  },

  async issue({ services: s, client }, v) {
    const repos = peopleRepos(s.rt);
    const grants = grantService(s);
    const now = epochSeconds(s.rt.clock);
    if (v.replay) return refuseReplay(s, client.clientId, v.row, now);
    const scope = scopeList(v.row.scope);
    const access = await mintPersonAccessToken(s, { userId: v.row.user_id, client, grantId: v.row.grant_id, scope, resource: v.resource });
    // The refresh token is stored before the code is spent, so a replay that wins the
    // code's row afterwards always finds the family it must revoke.
    const refresh = wantsRefresh(client, scope) ? newRefreshToken(s, { userId: v.row.user_id, client, grantId: v.row.grant_id, scope, resource: v.resource.id, access }) : undefined;
    if (refresh) await repos.refreshTokens.insert(refresh.row);
    const redemption = await repos.codes.redeem(v.row.code_hash, now, { familyId: refresh?.row.family_id ?? null, accessJti: access.jti, accessExp: access.exp });
    if (redemption.outcome !== 'redeemed') {
      if (refresh) await repos.refreshTokens.revokeFamily(refresh.row.family_id);
      return refuseReplay(s, client.clientId, redemption.outcome === 'replayed' ? redemption.row : v.row, now);
    }
    await grants.markUsed(v.row.grant_id);
    return {
      response: tokenResponse(access, scope, refresh?.token),
      audit: { subject: v.row.user_id, detail: { grant_type: 'authorization_code', grant_id: v.row.grant_id, aud: v.resource.id, scope: scope.join(' '), jti: access.jti, refresh_token: refresh !== undefined } },
    };
  },
};

/** RFC 6749 §4.1.2: a code used twice is refused and what it issued is revoked. */
async function refuseReplay(s: AuthServices, clientId: string, used: AuthorizationCodeRow, now: number): Promise<never> {
  const repos = peopleRepos(s.rt);
  const grants = grantService(s);
  if (used.family_id) await grants.revokeIssued(await repos.refreshTokens.revokeFamily(used.family_id));
  if (used.access_jti && used.access_exp) await grants.revokeIssued([{ jti: used.access_jti, exp: used.access_exp }]);
  s.rt.audit.record({ time: now, action: 'authorization.code_replayed', outcome: 'deny', clientId, subject: used.user_id, reason: 'code_reuse', detail: { grant_id: used.grant_id } });
  throw new InvalidGrant('the authorization code has already been used');
}
