import { deny, type FilterFactory, type Principal, type RequestContext } from '../filter.ts';
import { compilePattern, type RoutePattern } from '../router.ts';
import { joinSegments } from '../path.ts';
import { HOP_BY_HOP } from '../proxy.ts';
import { isJsonType, setPath } from '../json-body.ts';

// Builds the upstream request: forced parameters overwrite whatever the client sent,
// the caller's credentials and identity-like headers are dropped, and the internal
// identity token is attached instead.

/** Headers a client must never pass upstream (credentials, identity, proxy metadata). */
const DROP = new Set([...HOP_BY_HOP, 'host', 'content-length', 'authorization', 'cookie', 'dpop', 'forwarded', 'x-real-ip', 'x-client-ip', 'x-user-id', 'x-customer-id', 'x-request-id']);
const DROP_PREFIX = /^(x-deputy-|x-forwarded-|x-original-|x-rewrite-|x-magento-)/;

function placeholder(v: string, p: Principal | undefined): string | undefined {
  switch (v) {
    case '%customer_id%': return p?.customerId;
    case '%client_id%': return p?.clientId;
    case '%sub%': return p?.sub;
    default: return v;
  }
}

export const requestTransform: FilterFactory = {
  name: 'request-transform',
  after: ['authenticate'],
  create(route, deps) {
    const audience = deps.upstreams.config(route.upstream).audience;
    const template = route.rewrite ? compilePattern(route.rewrite) : undefined;
    const forced = route.forced;
    const forcedQuery = Object.entries(forced.query);
    const forcedBody = Object.entries(forced.body);
    const forcedPath = Object.entries(forced.path);
    const own = compilePattern(route.path);
    const dropEncoding = route.mask !== undefined; // masking needs a plain body
    const keepAuthorization = route.forwardAuthorization; // auth-server pass-through (OAuth 1.0a handshake)
    /** Segments from a pattern with the (possibly forced) params filled in. */
    const fill = (p: RoutePattern, params: Record<string, string>): string[] =>
      p.literals.map((lit, i) => lit ?? params[p.params[i]!] ?? '').concat(p.rest && params['*'] ? params['*'].split('/') : []);
    const upstreamPath = (ctx: RequestContext, forcedSegments: boolean): string =>
      template ? joinSegments(fill(template, ctx.params)) : forcedSegments ? joinSegments(fill(own, ctx.params)) : joinSegments(ctx.segments);
    const resolve = (ctx: RequestContext, entries: Array<[string, string]>): Array<[string, string]> | undefined => {
      const out: Array<[string, string]> = [];
      for (const [k, v] of entries) { const r = placeholder(v, ctx.principal); if (r === undefined) return undefined; out.push([k, r]); }
      return out;
    };
    return {
      name: 'request-transform',
      onRequest(ctx) {
        const unavailable = () => deny(403, 'forced_param_unavailable', 'This resource is only available to a signed-in customer acting on their own data.');
        const fp = resolve(ctx, forcedPath);
        if (!fp) return unavailable();
        for (const [k, v] of fp) ctx.params[k] = v;
        let path = upstreamPath(ctx, fp.length > 0);
        let query = ctx.query;
        if (forcedQuery.length) {
          const fq = resolve(ctx, forcedQuery);
          if (!fq) return unavailable();
          const qs = new URLSearchParams(query);
          for (const [k, v] of fq) qs.set(k, v);
          query = qs.toString();
        }
        if (query) path += `?${query}`;
        if (forcedBody.length && ctx.body && ctx.body.length) {
          const fb = resolve(ctx, forcedBody);
          if (!fb) return unavailable();
          if (!isJsonType(ctx.headers['content-type'])) return deny(415, 'forced_body_not_json', 'This route accepts JSON bodies only.');
          let body: unknown;
          try { body = JSON.parse(ctx.body.toString('utf8')); } catch { return deny(400, 'body_not_json', 'The request body is not valid JSON.'); }
          if (!body || typeof body !== 'object' || Array.isArray(body)) return deny(400, 'body_not_object', 'The request body must be a JSON object.');
          for (const [k, v] of fb) setPath(body as Record<string, unknown>, k, v);
          ctx.body = Buffer.from(JSON.stringify(body));
        }
        const headers: Record<string, string> = {};
        const connection = ctx.headers.connection;
        const named = typeof connection === 'string' ? new Set(connection.toLowerCase().split(',').map((s) => s.trim())) : undefined;
        for (const [k, v] of Object.entries(ctx.headers)) {
          if (v === undefined || (DROP.has(k) && !(keepAuthorization && k === 'authorization')) || DROP_PREFIX.test(k) || named?.has(k) || (dropEncoding && k === 'accept-encoding')) continue;
          headers[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        headers['x-forwarded-for'] = ctx.clientIp;
        headers['x-request-id'] = ctx.requestId;
        headers['x-deputy-identity'] = deps.identity.mint(ctx.principal, audience);
        ctx.upstreamHeaders = headers;
        ctx.upstreamPath = path;
        return undefined;
      },
    };
  },
};
