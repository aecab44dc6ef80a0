import { compileIpRules, ipDenied } from '../ip-rules.ts';
import { deny, type FilterFactory } from '../filter.ts';

/** Global and per-route IP allow/deny lists, checked before anything else. */
export const ipFilter: FilterFactory = {
  name: 'ip-filter',
  after: [],
  create(route, deps) {
    const idx = deps.config.routes.indexOf(route);
    const own = compileIpRules(route.ip, `gateway.routes[${idx}].ip`);
    const global = deps.globalIp;
    if (!own && !global) return undefined;
    return {
      name: 'ip-filter',
      onRequest(ctx) {
        if (global && ipDenied(global, ctx.clientIp)) return deny(403, 'ip_denied_global', 'Requests from this address are not allowed.');
        if (own && ipDenied(own, ctx.clientIp)) return deny(403, 'ip_denied_route', 'Requests from this address are not allowed.');
        return undefined;
      },
    };
  },
};
