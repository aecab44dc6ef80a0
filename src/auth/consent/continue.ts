import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../platform/errors.ts';
import type { People } from '../ui/people-context.ts';
import { seeOther, visitor } from '../ui/people-context.ts';
import { errorResponseUrl, type AuthorizationRequest } from './authorization-request.ts';
import { issueCode } from './code-issuer.ts';
import { coveredByGrant } from './decide.ts';
import { createInteraction } from './interactions.ts';

/**
 * After a valid authorization request: answer at once when the person is signed in and
 * has already granted everything asked for; otherwise park the request and send the
 * browser to the interaction page (sign-in, then consent).
 */
export async function continueAuthorization(p: People, req: AuthorizationRequest, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const issuer = p.s.endpoints.issuer;
  const v = await visitor(p, request);
  if (v.user) {
    const grant = await p.grants.findActive(v.user.id, req.clientId);
    if (grant && coveredByGrant(req, grant)) return seeOther(reply, await issueCode(p.s, req, { user: v.user, session: v.session }, grant.id, req.scope));
    if (req.prompt === 'none') return seeOther(reply, errorResponseUrl(req, issuer, new OAuthError('consent_required', 400, 'the person has not granted this yet')));
  } else if (req.prompt === 'none') {
    return seeOther(reply, errorResponseUrl(req, issuer, new OAuthError('login_required', 400, 'the person is not signed in')));
  }
  return seeOther(reply, `/interaction/${await createInteraction(p.s, req)}`);
}
