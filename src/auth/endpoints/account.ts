import type { FastifyInstance } from 'fastify';
import { scopeList } from '../consent/grant-service.ts';
import { peopleRepos } from '../users/people-repos.ts';
import { chrome, csrfOk, formatTime, pageForm, seeOther, visitor, type People } from '../ui/people-context.ts';
import { sendErrorPage, sendPage } from '../ui/render.ts';

const NOTICES: Record<string, string> = { revoked: 'Access revoked. The agent can no longer act for you.' };

/** /account/agents: the agents a person has let act for them, each revocable at once. */
export function registerAccountPages(app: FastifyInstance, p: People): void {
  app.get('/account', async (_request, reply) => seeOther(reply, '/account/agents'));

  app.get<{ Querystring: { notice?: string } }>('/account/agents', async (request, reply) => {
    const v = await visitor(p, request);
    if (!v.user) return seeOther(reply, '/login');
    const rows = await peopleRepos(p.s.rt).grants.listForUser(v.user.id);
    const grants = await Promise.all(rows.map(async (g) => {
      const client = await p.s.clients.get(g.client_id);
      return {
        id: g.id, clientId: g.client_id, agentName: client?.metadata.client_name || g.client_id,
        scopes: scopeList(g.scope), granted: formatTime(g.created_at), lastUsed: formatTime(g.last_used_at),
      };
    }));
    const notice = typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined;
    return sendPage(reply, 'agents', { ...chrome(v), title: 'Connected agents', grants, notice, wide: true });
  });

  app.post<{ Params: { id: string } }>('/account/agents/:id/revoke', async (request, reply) => {
    const v = await visitor(p, request);
    if (!csrfOk(v.session, pageForm(request))) return sendErrorPage(reply, 403, 'Not allowed', 'The form expired or did not come from this site. Reload the page and try again.');
    if (!v.user) return seeOther(reply, '/login');
    const grant = await peopleRepos(p.s.rt).grants.find(request.params.id);
    if (!grant || grant.user_id !== v.user.id) return sendErrorPage(reply, 404, 'Not found', 'There is no such connected agent.');
    await p.grants.revoke(grant.id, { actor: v.user.id, reason: 'revoked_by_user' });
    return seeOther(reply, '/account/agents?notice=revoked');
  });
}
