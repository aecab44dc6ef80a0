import { ipDenied } from '../ip-rules.ts';
import { deny, type FilterFactory } from '../filter.ts';

/** Per-client IP rules (gateway.clients.<client_id>.ip), once the agent is known. */
export const clientIpFilter: FilterFactory = {
  name: 'client-ip-filter',
  after: ['authenticate'],
  create(_route, deps) {
    if (deps.clientIp.size === 0) return undefined;
    const rules = deps.clientIp;
    return {
      name: 'client-ip-filter',
      onRequest(ctx) {
        const r = ctx.principal ? rules.get(ctx.principal.clientId) : undefined;
        return r && ipDenied(r, ctx.clientIp) ? deny(403, 'ip_denied_client', 'Requests from this address are not allowed for this client.') : undefined;
      },
    };
  },
};
