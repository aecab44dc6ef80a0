import type { FastifyInstance, FastifyReply } from 'fastify';
import { IntegrationError } from '../../magento/integrations/index.ts';
import type { MagentoAuth } from '../../magento/token-services/magento-auth.ts';
import { pageScope } from '../ui/index.ts';
import { chrome, pageForm, seeOther, type People, type Visitor } from '../ui/people-context.ts';
import { redirectTarget, sendErrorPage, sendPage } from '../ui/render.ts';
import { requireAdmin } from './admin.ts';

// Admin console pages for Magento: integrations (create, activate, revoke) and the
// "revoke tokens" action on a user. Same session, CSRF and page rules as /admin.

const NOTICES: Record<string, string> = { created: 'Integration saved. Activate it to send its credentials.', activated: 'Integration activated.', revoked: 'Integration revoked: its tokens no longer work.' };

/** Registers on the people pages' session, forms and error pages (the same People). */
export async function registerMagentoAdminPages(app: FastifyInstance, m: MagentoAuth, p: People): Promise<void> {
  const page = async (reply: FastifyReply, v: Visitor, extra: Record<string, unknown>, status = 200) => {
    const list = await m.integrations.list();
    const targets = [...new Set(list.map((i) => (i.identityLinkUrl ? redirectTarget(i.identityLinkUrl) : undefined)).filter((t): t is string => !!t))];
    const resources = m.acl.ids().map((id) => ({ id, title: id }));
    return sendPage(reply, 'magento-integrations', { ...chrome(v), title: 'Magento integrations', wide: true, integrations: list, resources, ...extra }, { status, formTargets: targets });
  };
  await pageScope(app, (scope) => {

    scope.get<{ Querystring: { notice?: string } }>('/admin/magento/integrations', async (request, reply) => {
      const v = await requireAdmin(p, request, reply);
      if (!v) return reply;
      return page(reply, v, { notice: typeof request.query.notice === 'string' ? NOTICES[request.query.notice] : undefined });
    });

    scope.post('/admin/magento/integrations', async (request, reply) => {
      const v = await requireAdmin(p, request, reply);
      if (!v) return reply;
      const f = pageForm(request);
      try {
        await m.integrations.create({
          name: f.get('name') ?? '', email: f.get('email'), callbackUrl: f.get('callback_url'), identityLinkUrl: f.get('identity_link_url'),
          resources: f.get('all') === '1' ? 'all' : f.all('resource'),
        }, v.user.id);
      } catch (err) {
        if (err instanceof IntegrationError) return page(reply, v, { error: err.message }, 400);
        throw err;
      }
      return seeOther(reply, '/admin/magento/integrations?notice=created');
    });

    scope.post<{ Params: { id: string } }>('/admin/magento/integrations/:id/activate', async (request, reply) => {
      const v = await requireAdmin(p, request, reply);
      if (!v) return reply;
      try {
        const r = await m.integrations.activate(request.params.id, v.user.id, `${m.rt.config.issuer}/admin/magento/integrations?notice=activated`);
        if (r.credentials) return page(reply, v, { credentials: { name: r.integration.name, ...r.credentials } });
        return seeOther(reply, r.identityLink ?? '/admin/magento/integrations?notice=activated');
      } catch (err) {
        if (err instanceof IntegrationError) return page(reply, v, { error: `Activation failed: ${err.message}` }, err.code === 'not_found' ? 404 : 502);
        throw err;
      }
    });

    scope.post<{ Params: { id: string } }>('/admin/magento/integrations/:id/revoke', async (request, reply) => {
      const v = await requireAdmin(p, request, reply);
      if (!v) return reply;
      try { await m.integrations.revoke(request.params.id, v.user.id); } catch (err) {
        if (err instanceof IntegrationError) return sendErrorPage(reply, 404, 'Not found', 'There is no such integration.');
        throw err;
      }
      return seeOther(reply, '/admin/magento/integrations?notice=revoked');
    });

    scope.post<{ Params: { id: string } }>('/admin/users/:id/revoke-tokens', async (request, reply) => {
      const v = await requireAdmin(p, request, reply);
      if (!v) return reply;
      const user = await m.users.find(request.params.id);
      if (!user) return sendErrorPage(reply, 404, 'Not found', 'There is no such user.');
      await m.tokens.revokeUserTokens(user, v.user.id);
      return seeOther(reply, '/admin?notice=tokens-revoked');
    });
  });
}
