import { deny, type FilterFactory } from '../filter.ts';
import { bearerChallenge } from '../resource-metadata.ts';

/** anonymous / self / ACL resource / scopes (any or all), decided from the principal. */
export const routePermission: FilterFactory = {
  name: 'route-permission',
  after: ['authenticate'],
  create(route) {
    const perm = route.permission;
    if (perm.anonymous) return undefined;
    const scope = perm.scopes.join(' ');
    const forbidden = (reason: string, description: string) => deny(403, reason, description);
    return {
      name: 'route-permission',
      onRequest(ctx) {
        const p = ctx.principal;
        if (!p) return deny(401, 'no_principal', 'Authentication is required.', { headers: { 'www-authenticate': bearerChallenge({ resource: route.resource, scope }) } });
        if (perm.scopes.length) {
          const ok = perm.scopeMode === 'all' ? perm.scopes.every((s) => p.scopes.has(s)) : perm.scopes.some((s) => p.scopes.has(s));
          if (!ok) {
            const description = `The access token lacks the required scope (${perm.scopeMode === 'all' ? 'all of' : 'one of'}: ${scope}).`;
            return deny(403, 'insufficient_scope', description, { error: 'insufficient_scope', headers: { 'www-authenticate': bearerChallenge({ resource: route.resource, scope, error: 'insufficient_scope', description }) } });
          }
        }
        if (perm.self && (!p.person || p.customerId === undefined)) return forbidden('self_requires_person', 'This resource is only available to a signed-in customer acting on their own data.');
        if (perm.acl !== undefined && !p.acl.includes(perm.acl)) return forbidden('acl_missing', `The caller is not authorized for ${perm.acl}.`);
        return undefined;
      },
    };
  },
};
