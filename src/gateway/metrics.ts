import { Counter, Registry } from 'prom-client';
import { RequestCounter, RouteHistogram } from './request-metrics.ts';

// The gateway's Prometheus metrics, on a registry of its own (never the global one,
// so several gateways in one process or test do not collide).

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new RequestCounter({ name: 'deputy_gateway_requests_total', help: 'Requests by route, method, status and decision', registry: this.registry });
  readonly latency = new RouteHistogram({ name: 'deputy_gateway_request_duration_seconds', help: 'Time from request to response', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registry: this.registry });
  readonly denials = new Counter({ name: 'deputy_gateway_denials_total', help: 'Requests stopped by a filter, by filter and reason', labelNames: ['filter', 'reason'] as const, registers: [this.registry] });
  readonly rateLimited = new Counter({ name: 'deputy_gateway_rate_limit_hits_total', help: 'Requests refused by a rate-limit class', labelNames: ['class'] as const, registers: [this.registry] });
  readonly tokenCache = new Counter({ name: 'deputy_gateway_token_cache_total', help: 'Verified-token cache lookups (hit ratio = hit / total)', labelNames: ['result'] as const, registers: [this.registry] });
  readonly jwksRefreshes = new Counter({ name: 'deputy_gateway_jwks_refreshes_total', help: 'JWKS fetches by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly revocations = new Counter({ name: 'deputy_gateway_revocations_applied_total', help: 'Revocation events applied from the bus', labelNames: ['kind'] as const, registers: [this.registry] });
}
