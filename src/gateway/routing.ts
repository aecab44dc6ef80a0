import type { Redis } from 'ioredis';
import type { Clock } from '../platform/clock.ts';
import type { ApiKeyStore } from './api-keys.ts';
import type { Introspector } from './introspection.ts';
import type { Logger } from '../platform/logger.ts';
import { buildChain, type Chain } from './chain.ts';
import type { GatewayConfig, RouteConfig } from './config.ts';
import type { GatewayDeps } from './deps.ts';
import { FILTERS } from './filters/index.ts';
import type { IdentitySigner } from './identity-signer.ts';
import { blockList, compileIpRules, type CompiledIpRules } from './ip-rules.ts';
import type { GatewayMetrics } from './metrics.ts';
import { Upstreams } from './proxy.ts';
import { RateLimiters } from './rate-limiters.ts';
import type { RevocationFeed } from './revocation-feed.ts';
import { compilePattern, Router, type RoutePattern } from './router.ts';
import type { TokenVerifier } from './token-verifier.ts';
import type { MagentoGatewayServices } from './magento/services.ts';

// Everything a config (re)load builds: upstream pools, limiters, IP rules and one chain
// per route. A reload builds a new Routing and swaps it in; requests in flight finish on
// the one they started with.

export type GatewayRoute = { config: RouteConfig; pattern: RoutePattern; chain: Chain };

export interface Routing {
  config: GatewayConfig;
  deps: GatewayDeps;
  router: Router<GatewayRoute>;
  /** Resource path (no trailing slash) → resource id, for RFC 9728 metadata. */
  resources: Map<string, string>;
}

/** Services that outlive reloads. */
export interface SharedServices {
  log: Logger;
  clock: Clock;
  redis: Redis | undefined;
  verifier: TokenVerifier;
  apiKeys: ApiKeyStore | undefined;
  introspector: Introspector | undefined;
  revocations: RevocationFeed;
  identity: IdentitySigner;
  metrics: GatewayMetrics;
  rateLimitPrefix: string | undefined;
  magento?: MagentoGatewayServices | undefined;
}

export async function buildRouting(cfg: GatewayConfig, s: SharedServices): Promise<Routing> {
  const clientIp = new Map<string, CompiledIpRules>();
  for (const [id, c] of Object.entries(cfg.clients)) {
    const r = compileIpRules(c.ip, `gateway.clients.${id}.ip`);
    if (r) clientIp.set(id, r);
  }
  const trusted = blockList(cfg.trustedProxies, 'gateway.trustedProxies');
  const globalIp = compileIpRules(cfg.ip, 'gateway.ip');
  const upstreams = new Upstreams(cfg.upstreams);
  const deps: GatewayDeps = {
    config: cfg, log: s.log, clock: s.clock, verifier: s.verifier, apiKeys: s.apiKeys, introspector: s.introspector, revocations: s.revocations, identity: s.identity, metrics: s.metrics,
    clientIp, globalIp, trusted, upstreams, magento: s.magento,
    limiters: new RateLimiters(cfg.rateLimits, { redis: s.redis, log: s.log, ...(s.rateLimitPrefix ? { prefix: s.rateLimitPrefix } : {}) }),
  };
  try {
    const router = new Router(cfg.routes.map((r, i) => ({ config: r, pattern: compilePattern(r.path), chain: buildChain(r, i, deps, FILTERS) })));
    const resources = new Map<string, string>();
    for (const r of cfg.routes) resources.set(new URL(r.resource).pathname.replace(/\/$/, ''), r.resource);
    return { config: cfg, deps, router, resources };
  } catch (err) {
    await upstreams.close();
    throw err;
  }
}
