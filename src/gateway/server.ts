import type { KeyObject } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DeputyConfig } from '../config/schema.ts';
import { epochSeconds } from '../platform/clock.ts';
import { createHttpServer } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { Runtime } from '../runtime.ts';
import { gatewayConfig, type GatewayConfig } from './config.ts';
import { buildRouting, type SharedServices } from './routing.ts';
import { AccessLog } from './access-log.ts';
import { ApiKeyStore } from './api-keys.ts';
import { Introspector } from './introspection.ts';
import { ConfigError } from '../platform/errors.ts';
import { handleGatewayRequest, type HandlerEnv } from './handler.ts';
import { deriveIdentityKey, IdentitySigner } from './identity-signer.ts';
import { JwksCache } from './jwks-cache.ts';
import { GatewayMetrics } from './metrics.ts';
import { metadataDocument } from './resource-metadata.ts';
import { RevocationFeed } from './revocation-feed.ts';
import { TokenVerifier } from './token-verifier.ts';
import { createMagentoGatewayServices } from './magento/services.ts';

export interface GatewayServerOptions {
  /** Use this validated config instead of reading `config.extra.gateway`. */
  config?: GatewayConfig;
  /** The identity signing key; default: derived from the master key. */
  identityKey?: KeyObject;
  /** Key prefix of the rate limiters in Redis (tests isolate runs with it). */
  rateLimitPrefix?: string;
  /** Reload on SIGHUP (unless `sighup: false`) and when `file` changes; `load` re-reads the whole config. */
  watch?: { file: string; load: () => DeputyConfig; sighup?: boolean };
}

export interface GatewayServer {
  app: FastifyInstance;
  /** The gateway's public JWKS (internal identity tokens), for in-process upstreams. */
  identityJwks: string;
  /** Swaps in routes, upstreams, rate classes, clients and IP rules from `config`; throws ConfigError and keeps the old ones when it is invalid. */
  reload(config: DeputyConfig): Promise<void>;
  close(): Promise<void>;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Builds the gateway app (not listening). Throws ConfigError on a bad `gateway` section. */
export async function createGatewayServer(rt: Runtime, opts: GatewayServerOptions = {}): Promise<GatewayServer> {
  const cfg = opts.config ?? gatewayConfig(rt.config);
  const log = rt.log.child({ role: 'gateway' });
  const now = () => epochSeconds(rt.clock);
  const metrics = new GatewayMetrics();
  const jwks = new JwksCache({ uri: cfg.jwksUri, ...cfg.jwks, log, now: () => rt.clock.now(), onRefresh: (outcome) => metrics.jwksRefreshes.inc({ outcome }) });
  const verifier = new TokenVerifier({
    jwks, issuer: cfg.issuer, algorithms: cfg.algorithms, clockSkew: cfg.clockSkew, maxTokenBytes: cfg.maxTokenBytes, signatures: cfg.signatures,
    cacheMax: cfg.tokenCache.max, cacheTtl: cfg.tokenCache.ttl, now, onCache: (hit) => metrics.tokenCache.inc({ result: hit ? 'hit' : 'miss' }),
  });
  const revocations = new RevocationFeed({ bus: rt.bus, repo: rt.repos.revocations, log, pollInterval: cfg.revocation.pollInterval, now, onApplied: (kind) => metrics.revocations.inc({ kind }) });
  const key = opts.identityKey ?? deriveIdentityKey(rt.masterKey);
  const identity = new IdentitySigner(key, { ttl: cfg.identity.ttl, now });
  const apiKeys = cfg.apiKeys.enabled ? new ApiKeyStore(rt.store.db as never, { cacheSeconds: cfg.apiKeys.cacheSeconds }) : undefined;
  let introspector: Introspector | undefined;
  if (cfg.introspection) {
    const secret = process.env[cfg.introspection.clientSecretEnv];
    if (!secret) throw new ConfigError('gateway.introspection.clientSecretEnv', `environment variable ${cfg.introspection.clientSecretEnv} is not set`);
    introspector = new Introspector({ ...cfg.introspection, clientSecret: secret, log, now });
  }
  const shared: SharedServices = { log, clock: rt.clock, redis: rt.redis, verifier, apiKeys, introspector, revocations, identity, metrics, rateLimitPrefix: opts.rateLimitPrefix, magento: createMagentoGatewayServices(rt) };
  let routing = await buildRouting(cfg, shared);

  jwks.start();
  await revocations.start();
  if (rt.redis) await redisReady(rt.redis, log);

  const app = createHttpServer({ log, name: 'gateway', bodyLimit: rt.config.bodyLimit, readiness: [async () => jwks.loaded], requestLogger: false });
  // The gateway forwards bodies as bytes; only forced body parameters parse JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const scopesOf = (resource: string) => rt.config.auth.resources.find((r) => r.id === resource)?.scopes;
  const sendMetadata = (resource: string | undefined, reply: FastifyReply) => {
    if (!resource) return reply.code(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no protected resource at this path' });
    const doc = metadataDocument(routing.config, resource);
    const scopes = scopesOf(resource);
    if (scopes) doc.scopes_supported = scopes;
    return reply.header('cache-control', 'public, max-age=300').send(doc);
  };
  const defaultResource = () => {
    const all = [...routing.resources.values()];
    return routing.resources.get('') ?? (all.includes(rt.config.auth.defaultResource) ? rt.config.auth.defaultResource : all[0]);
  };
  app.get('/.well-known/oauth-protected-resource', async (_req, reply) => sendMetadata(defaultResource(), reply));
  app.get('/.well-known/oauth-protected-resource/*', async (req, reply) => sendMetadata(routing.resources.get(`/${(req.params as { '*': string })['*']}`.replace(/\/$/, '')), reply));
  app.get('/.well-known/deputy-gateway-jwks.json', async (_req, reply) => reply.header('cache-control', 'public, max-age=300').type('application/jwk-set+json').send(identity.jwks));
  if (cfg.metrics) {
    app.get('/metrics', async (_req, reply) => reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  }
  const accessLog = cfg.accessLog ? AccessLog.for(log) : undefined;
  const env = (): HandlerEnv => ({ rt, deps: routing.deps, router: routing.router, log, accessLog });
  let current = env();
  app.route({
    method: [...METHODS],
    url: '*',
    exposeHeadRoute: false,
    handler: (request, reply) => handleGatewayRequest(current, request, reply),
  });

  let reloading: Promise<void> = Promise.resolve();
  const retired = new Set<{ close(): Promise<void> }>();
  const reload = (config: DeputyConfig): Promise<void> => {
    // Reloads run one at a time; a refused one does not block the next.
    reloading = reloading.catch(() => undefined).then(async () => {
      const next = gatewayConfig(config);
      for (const k of RESTART_KEYS) {
        if (JSON.stringify(next[k]) !== JSON.stringify(routing.config[k])) log.warn({ key: `gateway.${k}` }, 'gateway: this key changes only on restart; keeping the running value');
      }
      const fresh = await buildRouting({ ...next, ...pick(routing.config, RESTART_KEYS) }, shared);
      const old = routing;
      routing = fresh;
      current = env();
      log.info({ routes: fresh.config.routes.length }, 'gateway: configuration reloaded');
      // Requests that started on the old routing may still be on their way to forward.
      retired.add(old.deps.upstreams);
      setTimeout(() => { retired.delete(old.deps.upstreams); void old.deps.upstreams.close(); }, RETIRE_GRACE_MS).unref();
    });
    return reloading;
  };
  const stopWatching = opts.watch ? watchConfig(opts.watch, reload, log) : undefined;

  app.addHook('onClose', async () => {
    stopWatching?.();
    jwks.stop();
    revocations.stop();
    await reloading.catch(() => undefined);
    await Promise.all([routing.deps.upstreams.close(), ...[...retired].map((u) => u.close())]);
    await verifier.close();
    accessLog?.close();
  });
  return { app, identityJwks: identity.jwks, reload, close: () => app.close() };
}

/** How long replaced upstream pools stay open for requests that started before a reload. */
const RETIRE_GRACE_MS = 60_000;

/** Keys whose services are built once (verifier, JWKS, revocation feed, identity signer). */
const RESTART_KEYS = ['issuer', 'jwksUri', 'algorithms', 'clockSkew', 'maxTokenBytes', 'signatures', 'tokenCache', 'apiKeys', 'introspection', 'jwks', 'revocation', 'identity', 'metrics', 'accessLog'] as const;

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

/**
 * Reloads on SIGHUP and when the file changes (debounced). A config that does not
 * validate is logged and ignored: the running routes stay in force.
 */
function watchConfig(w: { file: string; load: () => DeputyConfig; sighup?: boolean }, reload: (c: DeputyConfig) => Promise<void>, log: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    let config: DeputyConfig;
    try { config = w.load(); } catch (err) {
      log.error({ err: (err as Error).message }, 'gateway: reload refused, keeping the running configuration');
      return;
    }
    reload(config).catch((err: unknown) => log.error({ err: (err as Error).message }, 'gateway: reload refused, keeping the running configuration'));
  };
  const schedule = () => { if (timer) clearTimeout(timer); timer = setTimeout(run, 100); timer.unref(); };
  watchFile(w.file, { interval: 500, persistent: false }, schedule);
  if (w.sighup !== false) process.on('SIGHUP', schedule);
  return () => { unwatchFile(w.file, schedule); process.off('SIGHUP', schedule); if (timer) clearTimeout(timer); };
}

/** Waits briefly for the shared Redis connection so the first requests use the shared limiter. */
async function redisReady(redis: NonNullable<Runtime['redis']>, log: Logger): Promise<void> {
  if (redis.status === 'ready') return;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000).unref()),
  ]);
  if (!ready) log.error({ redisStatus: redis.status }, 'gateway: Redis not ready at start — rate limits use per-process in-memory limiters until it is');
}
