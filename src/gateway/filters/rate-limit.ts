import { deny, type FilterFactory, type FilterResult, type RequestContext } from '../filter.ts';
import type { RateClassConfig } from '../config.ts';
import type { RateDecision } from '../rate-limiters.ts';

// Rate limits by class; the key is built from the class's `by` list. A client may have
// its own classes (gateway.clients.<id>.rateLimit) instead of the route's.

function keyFor(by: RateClassConfig['by'], ctx: RequestContext): string {
  const p = ctx.principal;
  return by.map((b) => {
    switch (b) {
      case 'agent': return p ? `a:${p.clientId}` : `ip:${ctx.clientIp}`;
      case 'person': return p?.person ? `p:${p.sub}` : p ? `a:${p.clientId}` : `ip:${ctx.clientIp}`;
      case 'route': return `r:${ctx.route.id}`;
      case 'ip': return `ip:${ctx.clientIp}`;
      case 'apiKey': return p?.apiKeyId ? `k:${p.apiKeyId}` : p ? `a:${p.clientId}` : `ip:${ctx.clientIp}`;
    }
  }).join('|');
}

function headers(d: RateDecision): Record<string, string> {
  return {
    'ratelimit-policy': `"${d.className}";q=${d.limit};w=${d.window}`,
    ratelimit: `"${d.className}";r=${Math.max(0, d.remaining)};t=${d.reset}`,
  };
}

export const rateLimit: FilterFactory = {
  name: 'rate-limit',
  after: ['authenticate'],
  create(route, deps) {
    const clients = deps.config.clients;
    const hasClientClasses = Object.values(clients).some((c) => c.rateLimit);
    if (route.rateLimit.length === 0 && !hasClientClasses && !deps.apiKeys) return undefined;
    const classes = deps.config.rateLimits;
    const { limiters, metrics } = deps;

    function refuse(d: RateDecision): FilterResult {
      metrics.rateLimited.inc({ class: d.className });
      return deny(429, 'rate_limited', 'Too many requests; retry later.', { headers: { 'retry-after': String(Math.max(1, d.retryAfter)), ...headers(d) } });
    }

    // Without Redis every decision is synchronous, so the filter stays synchronous too
    // (no promise, no microtask); an asynchronous (Redis) decision continues in its `then`.
    function run(ctx: RequestContext, names: string[], from: number, tightest: RateDecision | undefined): FilterResult | Promise<FilterResult> {
      for (let i = from; i < names.length; i++) {
        const name = names[i]!;
        const r = limiters.consume(name, keyFor(classes[name]!.by, ctx));
        if (r instanceof Promise) return r.then((d) => (d.allowed ? run(ctx, names, i + 1, tighter(tightest, d)) : refuse(d)));
        if (!r.allowed) return refuse(r);
        tightest = tighter(tightest, r);
      }
      if (tightest) Object.assign(ctx.responseHeaders, headers(tightest));
      return undefined;
    }

    return {
      name: 'rate-limit',
      onRequest(ctx) {
        const p = ctx.principal;
        // An API key's own class, else the client's classes, else the route's.
        const names = (p?.rateClass && classes[p.rateClass] ? [p.rateClass] : undefined) ?? (p && clients[p.clientId]?.rateLimit) ?? route.rateLimit;
        return run(ctx, names, 0, undefined);
      },
    };
  },
};

function tighter(a: RateDecision | undefined, b: RateDecision): RateDecision {
  return !a || b.remaining < a.remaining ? b : a;
}
