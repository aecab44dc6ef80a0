import { checkPermission } from '../../magento/permission.ts';
import { loadWebapiProfile, matchRoute } from '../../magento/webapi-profile.ts';
import { deny, type FilterFactory, type RequestContext } from '../filter.ts';
import { isJsonType, setPath } from '../json-body.ts';
import { joinSegments } from '../path.ts';
import { magentoPrincipal } from '../magento/principal.ts';

// Permissions like Magento's webapi.xml, from a profile (config/magento/webapi.yaml):
// anonymous / self / ACL ids; OAuth 2.1 scopes count through the profile's scope → ACL
// map. Forced parameters overwrite what the client sent; ones the gateway cannot
// resolve (%cart_id%) are removed so only the store's own lookup can fill them.

function setForced(ctx: RequestContext, forced: Record<string, string>, unresolved: readonly string[]): void {
  const names = [...Object.keys(forced), ...unresolved];
  if (names.length === 0) return;
  if (ctx.body?.length && isJsonType(ctx.headers['content-type'])) {
    let body: unknown;
    try { body = JSON.parse(ctx.body.toString('utf8')); } catch { body = undefined; }
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const name of names) setPath(body as Record<string, unknown>, name, forced[name]);
      ctx.body = Buffer.from(JSON.stringify(body));
    }
  }
  const qs = new URLSearchParams(ctx.query);
  for (const name of names) { if (forced[name] !== undefined) qs.set(name, forced[name]!); else qs.delete(name); }
  ctx.query = qs.toString();
}

export const webapiPermission: FilterFactory = {
  name: 'webapi-permission',
  after: ['authenticate'],
  create(route) {
    if (!route.webapi) return undefined;
    const profile = loadWebapiProfile(route.webapi.profile);
    const opts = route.webapi.allowAnonymousGuestAccess === undefined ? {} : { allowAnonymousGuestAccess: route.webapi.allowAnonymousGuestAccess };
    return {
      name: 'webapi-permission',
      onRequest(ctx) {
        const m = matchRoute(profile, ctx.method, joinSegments(ctx.segments));
        if (!m) return deny(404, 'webapi_no_route', 'Request does not match any route.');
        const d = checkPermission(profile, m.route, magentoPrincipal(ctx.principal), opts);
        if (!d.allowed) return deny(d.status, `webapi_${d.reason}`, d.message, { parameters: d.parameters });
        setForced(ctx, d.forced, d.unresolved);
        return undefined;
      },
    };
  },
};
