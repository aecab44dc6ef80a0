import type { GrantRow } from '../../store/grants.ts';
import { OFFLINE_ACCESS, type AuthorizationRequest } from './authorization-request.ts';
import { scopeList } from './grant-service.ts';

/** Requested scopes split into those the grant already covers and those to ask about. */
export function splitScopes(req: AuthorizationRequest, grant: GrantRow | undefined): { granted: string[]; asked: string[] } {
  const have = new Set(grant ? scopeList(grant.scope) : []);
  return { granted: req.scope.filter((x) => have.has(x)), asked: req.scope.filter((x) => !have.has(x)) };
}

/** Whether the request can be answered without showing the consent page. */
export function coveredByGrant(req: AuthorizationRequest, grant: GrantRow | undefined): boolean {
  return req.prompt !== 'consent' && grant !== undefined && splitScopes(req, grant).asked.length === 0;
}

/**
 * The scope a decision grants: what the person ticked (only among the scopes asked
 * about) plus what the grant already covered. Nothing but offline_access → nothing.
 */
export function grantedScope(req: AuthorizationRequest, grant: GrantRow | undefined, ticked: string[]): { newlyGranted: string[]; scope: string[] } {
  const { granted, asked } = splitScopes(req, grant);
  const newlyGranted = asked.filter((x) => ticked.includes(x));
  const scope = req.scope.filter((x) => granted.includes(x) || newlyGranted.includes(x));
  return { newlyGranted, scope: scope.some((x) => x !== OFFLINE_ACCESS) ? scope : [] };
}
