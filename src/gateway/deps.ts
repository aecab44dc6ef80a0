import type { BlockList } from 'node:net';
import type { Clock } from '../platform/clock.ts';
import type { ApiKeyStore } from './api-keys.ts';
import type { Introspector } from './introspection.ts';
import type { Logger } from '../platform/logger.ts';
import type { GatewayConfig } from './config.ts';
import type { IdentitySigner } from './identity-signer.ts';
import type { CompiledIpRules } from './ip-rules.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { Upstreams } from './proxy.ts';
import type { RateLimiters } from './rate-limiters.ts';
import type { RevocationFeed } from './revocation-feed.ts';
import type { TokenVerifier } from './token-verifier.ts';
import type { MagentoGatewayServices } from './magento/services.ts';

/** Services filters are built with: created once in server.ts, shared by every route. */
export interface GatewayDeps {
  config: GatewayConfig;
  log: Logger;
  clock: Clock;
  verifier: TokenVerifier;
  /** Opaque `dpk_…` keys; undefined when gateway.apiKeys.enabled is false. */
  apiKeys: ApiKeyStore | undefined;
  /** RFC 7662 for opaque tokens; undefined unless gateway.introspection is set. */
  introspector: Introspector | undefined;
  revocations: RevocationFeed;
  identity: IdentitySigner;
  upstreams: Upstreams;
  limiters: RateLimiters;
  metrics: GatewayMetrics;
  /** Global IP rules and per-client rules, compiled at start. */
  globalIp: CompiledIpRules | undefined;
  clientIp: Map<string, CompiledIpRules>;
  /** gateway.trustedProxies: peers whose X-Forwarded-* headers are believed. */
  trusted: BlockList | undefined;
  /** OAuth 1.0a integrations and storefront sessions (webapi routes). */
  magento: MagentoGatewayServices | undefined;
}
