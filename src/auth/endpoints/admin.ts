import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserRow } from '../../store/users.ts';
import { peopleRepos } from '../users/people-repos.ts';
import { chrome, csrfOk, formatTime, pageForm, seeOther, visitor, type People, type Visitor } from '../ui/people-context.ts';
import { sendErrorPage, sendPage } from '../ui/render.ts';

const NOTICES: Record<string, string> = { revoked: 'Grant revoked.', 'tokens-revoked': 'Every token issued to that user before now is revoked.' };

/**
 * The signed-in admin, after the CSRF check on POSTs; undefined once the refusal (403
 * page or sign-in redirect) is sent.
 */
export async function requireAdmin(p: People, request: FastifyRequest, reply: FastifyReply): Promise<(Visitor & { user: UserRow }) | undefined> {
  const v = await visitor(p, request);
  if (request.method === 'POST' && !csrfOk(v.session, pageForm(request))) {
    sendErrorPage(reply, 403, 'Not allowed', 'The form expired or did not come from this site. Reload the page and try again.');
    return undefined;
  }
  if (!v.user) { seeOther(reply, '/login'); return undefined; }
  if (v.user.type !== 'admin') { sendErrorPage(reply, 403, 'Not allowed', 'This page is for administrators.'); return undefined; }
  return { ...v, user: v.user };
}

/** /admin: users, clients and grants, with revoke — a first console to grow. */
export function registerAdminPages(app: FastifyInstance, p: People): void {
  app.get<{ Querystring: { notice?: string } }>('/admin', async (request, reply) => {
    const v = await requireAdmin(p, request, reply);
    if (!v) return reply;
    const repos = peopleRepos(p.s.rt);
    const [users, clients, grants] = await Promise.all([repos.users.list(), p.s.clients.list(), repos.grants.list(200)]);
    const names = new Map(users.map((u) => [u.id, u.username]));
    return sendPage(reply, 'admin', {
      ...chrome(v), title: 'Administration', wide: true,
      notice: typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined,
      users: users.map((u) => ({ id: u.id, name: u.name, username: u.username, type: u.type, disabled: u.disabled === 1, created: formatTime(u.created_at) })),
      clients: clients.map((c) => ({ name: c.metadata.client_name || c.clientId, clientId: c.clientId, grantTypes: c.metadata.grant_types.join(', '), disabled: c.row.disabled === 1 })),
      grants: grants.map((g) => ({ id: g.id, user: names.get(g.user_id) ?? g.user_id, clientId: g.client_id, scope: g.scope, status: g.status, granted: formatTime(g.created_at) })),
    });
  });

  app.post<{ Params: { id: string } }>('/admin/grants/:id/revoke', async (request, reply) => {
    const admin = await requireAdmin(p, request, reply);
    if (!admin) return reply;
    const grant = await peopleRepos(p.s.rt).grants.find(request.params.id);
    if (!grant) return sendErrorPage(reply, 404, 'Not found', 'There is no such grant.');
    await p.grants.revoke(grant.id, { actor: admin.user.id, reason: 'revoked_by_admin' });
    return seeOther(reply, '/admin?notice=revoked');
  });
}
