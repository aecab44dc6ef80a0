import { ConfigError } from '../platform/errors.ts';
import type { RouteConfig } from './config.ts';
import type { GatewayDeps } from './deps.ts';
import type { Deny, Filter, FilterFactory, RequestContext } from './filter.ts';

// Chains are built once per route at start; a malformed chain is a startup error.

export interface Chain {
  route: RouteConfig;
  request: Filter[];
  /** onResponse filters, in reverse chain order. */
  response: Filter[];
}

export interface ChainOutcome {
  /** The filter that stopped the chain and its response, when one did. */
  denied: { filter: string; deny: Deny } | undefined;
}

export function buildChain(route: RouteConfig, index: number, deps: GatewayDeps, factories: readonly FilterFactory[]): Chain {
  const path = `gateway.routes[${index}].filters`;
  const byName = new Map(factories.map((f) => [f.name, f]));
  const names = route.filters ?? factories.map((f) => f.name);
  const seen = new Set<string>();
  for (const n of names) {
    const f = byName.get(n);
    if (!f) throw new ConfigError(path, `unknown filter ${JSON.stringify(n)} (expected one of: ${[...byName.keys()].join(', ')})`);
    if (seen.has(n)) throw new ConfigError(path, `filter ${JSON.stringify(n)} is listed twice`);
    for (const dep of f.after) if (names.includes(dep) && !seen.has(dep)) throw new ConfigError(path, `${n} must come after ${dep}`);
    seen.add(n);
  }
  if (names.at(-1) !== 'forward') throw new ConfigError(path, 'the last filter must be forward');
  if (!route.permission.anonymous && !names.includes('authenticate')) throw new ConfigError(path, 'a route that is not anonymous needs the authenticate filter');
  if (!names.includes('request-transform')) throw new ConfigError(path, 'request-transform is required (it strips credentials before forward)');
  const filters = names.map((n) => byName.get(n)!.create(route, deps)).filter((f): f is Filter => f !== undefined);
  return {
    route,
    request: filters.filter((f) => f.onRequest),
    response: filters.filter((f) => f.onResponse).reverse(),
  };
}

export async function runChain(chain: Chain, ctx: RequestContext): Promise<ChainOutcome> {
  for (const f of chain.request) {
    let r = f.onRequest!(ctx);
    if (r instanceof Promise) r = await r;
    if (r) return { denied: { filter: f.name, deny: r } };
  }
  const res = ctx.response;
  if (res) for (const f of chain.response) await f.onResponse!(ctx, res);
  return { denied: undefined };
}
