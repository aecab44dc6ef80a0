import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { randomToken } from '../../platform/ids.ts';
import type { AuthServices } from '../services.ts';
import type { Session } from '../session/session-manager.ts';
import { peopleRepos } from '../users/people-repos.ts';
import { usersConfig } from '../users/users-config.ts';
import { authorizationResponseUrl, type AuthorizationRequest } from './authorization-request.ts';

/** The signed-in person a code is issued for (a Visitor whose user is known). */
export interface SignedIn { user: { id: string }; session: Session | undefined }

/**
 * Issues a single-use authorization code bound to the client, redirect URI, PKCE
 * challenge, resource and granted scope (stored as a hash), and returns the redirect.
 */
export async function issueCode(s: AuthServices, req: AuthorizationRequest, person: SignedIn, grantId: string, scope: string[]): Promise<string> {
  const code = randomToken(32);
  const now = epochSeconds(s.rt.clock);
  const user = person.user;
  await peopleRepos(s.rt).codes.insert({
    code_hash: sha256(code), client_id: req.clientId, user_id: user.id, grant_id: grantId, redirect_uri: req.redirectUri,
    code_challenge: req.codeChallenge, scope: scope.join(' '), resource: req.resource, auth_time: person.session?.row.auth_time ?? now,
    created_at: now, expires_at: now + usersConfig(s.rt.config).codeLifetime, used_at: null, family_id: null, access_jti: null, access_exp: null,
  });
  s.rt.audit.record({ time: now, action: 'authorization.code_issued', outcome: 'success', clientId: req.clientId, subject: user.id, detail: { grant_id: grantId, scope: scope.join(' '), aud: req.resource } });
  return authorizationResponseUrl(req.redirectUri, s.endpoints.issuer, { code, state: req.state });
}
