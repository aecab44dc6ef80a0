import type { FastifyInstance, FastifyReply } from 'fastify';
import { epochSeconds } from '../../../platform/clock.ts';
import { AccessDenied } from '../../../platform/errors.ts';
import type { Client } from '../../clients/client-service.ts';
import { OFFLINE_ACCESS, errorResponseUrl, type AuthorizationRequest } from '../../consent/authorization-request.ts';
import { issueCode } from '../../consent/code-issuer.ts';
import { coveredByGrant, grantedScope, splitScopes } from '../../consent/decide.ts';
import { loadInteraction, takeInteraction } from '../../consent/interactions.ts';
import type { GrantRow } from '../../../store/grants.ts';
import { chrome, csrfOk, pageForm, seeOther, visitor, type People, type Visitor } from '../people-context.ts';
import { redirectTarget, sendErrorPage, sendPage } from '../render.ts';
import { renderLogin } from './login.ts';

const EXPIRED = 'This request has expired or was already answered. Go back to the app and try again.';

function duration(p: People, req: AuthorizationRequest): string {
  const ttl = p.s.auth.resources.find((r) => r.id === req.resource)?.accessTokenTtl ?? p.s.auth.accessTokenTtl;
  const minutes = Math.max(1, Math.round(ttl / 60));
  if (!req.scope.includes(OFFLINE_ACCESS)) return `${minutes} minute${minutes === 1 ? '' : 's'}, then the agent must ask again`;
  const days = Math.round(p.cfg.refreshTokenLifetime / 86_400);
  return `Until you revoke it, at most ${days} days`;
}

function hostOf(uri: string): string {
  try { const u = new URL(uri); return u.host || u.protocol; } catch { return uri; }
}

function renderConsent(p: People, reply: FastifyReply, v: Visitor, id: string, req: AuthorizationRequest, client: Client, grant: GrantRow | undefined): FastifyReply {
  const describe = (name: string) => ({ name, description: p.s.auth.scopes[name]?.description ?? name });
  const { granted, asked } = splitScopes(req, req.prompt === 'consent' ? undefined : grant);
  const resource = p.s.auth.resources.find((r) => r.id === req.resource);
  const target = redirectTarget(req.redirectUri);
  return sendPage(reply, 'consent', {
    ...chrome(v), title: 'Allow access?', interaction: id,
    agentName: client.metadata.client_name || client.clientId, clientId: client.clientId, redirectHost: hostOf(req.redirectUri),
    resource: req.resource, resourceName: resource?.name ?? req.resource, duration: duration(p, req),
    scopes: asked.map(describe), granted: granted.map(describe),
  }, { formTargets: target ? [target] : [] });
}

/** GET/POST /interaction/:id: sign-in when needed, then the consent decision. */
export function registerInteractionPages(app: FastifyInstance, p: People): void {
  app.get<{ Params: { id: string } }>('/interaction/:id', async (request, reply) => {
    const id = request.params.id;
    const req = await loadInteraction(p.s, id);
    const client = req ? await p.s.clients.get(req.clientId) : undefined;
    if (!req || !client || client.row.disabled) return sendErrorPage(reply, 400, 'Request expired', EXPIRED);
    const v = await visitor(p, request);
    if (!v.user) return renderLogin(p, request, reply, { interaction: id, pending: { req, client } });
    const grant = await p.grants.findActive(v.user.id, req.clientId);
    if (grant && coveredByGrant(req, grant) && (await takeInteraction(p.s, id))) {
      return seeOther(reply, await issueCode(p.s, req, { user: v.user, session: v.session }, grant.id, req.scope));
    }
    return renderConsent(p, reply, v, id, req, client, grant);
  });

  app.post<{ Params: { id: string } }>('/interaction/:id', async (request, reply) => {
    const id = request.params.id;
    const f = pageForm(request);
    const v = await visitor(p, request);
    if (!csrfOk(v.session, f)) return sendErrorPage(reply, 403, 'Not allowed', 'The form expired or did not come from this site. Go back to the app and try again.');
    if (!v.user) return seeOther(reply, `/interaction/${encodeURIComponent(id)}`);
    const decision = f.get('decision');
    const req = await takeInteraction(p.s, id);
    if (!req) return sendErrorPage(reply, 400, 'Request expired', EXPIRED);
    const time = epochSeconds(p.s.rt.clock);
    const issuer = p.s.endpoints.issuer;
    const grant = req.prompt === 'consent' ? undefined : await p.grants.findActive(v.user.id, req.clientId);
    const { newlyGranted, scope } = decision === 'allow' ? grantedScope(req, grant, f.all('scope')) : { newlyGranted: [], scope: [] };
    if (scope.length === 0) {
      p.s.rt.audit.record({ time, requestId: request.id, action: 'consent.denied', outcome: 'deny', clientId: req.clientId, subject: v.user.id, detail: { scope: req.scope.join(' ') } });
      return seeOther(reply, errorResponseUrl(req, issuer, new AccessDenied(decision === 'allow' ? 'no scope was allowed' : 'the person denied the request')));
    }
    const approved = await p.grants.approve(v.user.id, req.clientId, newlyGranted);
    p.s.rt.audit.record({ time, requestId: request.id, action: 'consent.given', outcome: 'allow', clientId: req.clientId, subject: v.user.id, detail: { grant_id: approved.id, scope: scope.join(' '), refused: req.scope.filter((x) => !scope.includes(x)).join(' ') } });
    return seeOther(reply, await issueCode(p.s, req, { user: v.user, session: v.session }, approved.id, scope));
  });
}
