import { checkCsrf } from '../../auth/session/csrf.ts';
import { epochSeconds } from '../../platform/clock.ts';
import type { FilterFactory, RequestContext } from '../filter.ts';
import { principalFromSession } from '../magento/principal.ts';
import { publicOrigin, type OriginRules } from '../magento/public-url.ts';

// Storefront AJAX on webapi routes: a customer signed in to Deputy's pages, calling from a
// same-origin script with the session cookie plus X-CSRF-Token (derived from the cookie as
// the auth server does). Anything less — no CSRF header, a top-level navigation, another
// origin, an admin's session — leaves the caller a guest, so self routes answer 401.

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a (possibly repeated or comma-joined) header: a duplicate cannot hide one. */
function values(ctx: RequestContext, name: string): string[] | undefined {
  const v = ctx.headers[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v.join(',') : v).split(',').map((s) => s.trim().toLowerCase());
}

const NAVIGATION = new Set(['navigate', 'nested-navigate']);
const DOCUMENT = new Set(['document', 'iframe', 'frame', 'embed', 'object']);

/** Same-origin script request: never a navigation, Origin allowed (or absent on a same-origin GET). */
function fromSameOriginScript(ctx: RequestContext, rules: OriginRules, extra: readonly string[]): boolean {
  if (values(ctx, 'sec-fetch-mode')?.some((m) => NAVIGATION.has(m))) return false;
  if (values(ctx, 'sec-fetch-dest')?.some((d) => DOCUMENT.has(d))) return false;
  const sites = values(ctx, 'sec-fetch-site');
  if (sites && !sites.every((x) => x === 'same-origin')) return false;
  const origin = header(ctx, 'origin');
  if (origin === undefined) return sites !== undefined;
  return origin === publicOrigin(ctx, rules) || extra.includes(origin);
}

export const sessionAuthenticate: FilterFactory = {
  name: 'session-authenticate',
  after: ['oauth1-authenticate'],
  create(route, deps) {
    const magento = deps.magento;
    const cfg = deps.config.session;
    if (!route.webapi || !magento || !cfg.enabled) return undefined;
    const rules = { publicBaseUrl: deps.config.publicBaseUrl, trusted: deps.trusted };
    return {
      name: 'session-authenticate',
      async onRequest(ctx) {
        if (ctx.principal || ctx.headers.authorization || !ctx.headers.cookie) return undefined;
        const csrf = header(ctx, 'x-csrf-token');
        if (!csrf || !fromSameOriginScript(ctx, rules, cfg.origins)) return undefined;
        const s = await magento.session(ctx.headers.cookie);
        if (!s || s.userType !== 'customer' || !checkCsrf(s.token, csrf)) return undefined;
        ctx.principal = principalFromSession(s, epochSeconds(deps.clock));
        return undefined;
      },
    };
  },
};
