import type { Redis } from 'ioredis';
import { AuditLog, type AuditSink } from './audit/audit-log.ts';
import { SqliteAuditWriter } from './audit/sqlite-audit-writer.ts';
import type { DeputyConfig } from './config/schema.ts';
import { Envelope } from './crypto/envelope.ts';
import { loadMasterKey } from './crypto/master-key.ts';
import { RevocationService } from './auth/tokens/revocation.ts';
import { SignerPool } from './crypto/signer-pool.ts';
import { SigningKeys } from './crypto/signing-keys.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { InProcessBus, RedisBus, type EventBus } from './platform/event-bus.ts';
import type { Logger } from './platform/logger.ts';
import { AssertionJtiRepository } from './store/assertion-jtis.ts';
import { AuditEventRepository } from './store/audit-events.ts';
import { ClientRepository } from './store/clients.ts';
import { openStore, type Store } from './store/database.ts';
import { InitialAccessTokenRepository } from './store/initial-access-tokens.ts';
import { migrateToLatest } from './store/migrate.ts';
import { RevocationRepository } from './store/revocations.ts';
import { SigningKeyRepository } from './store/signing-keys.ts';

/** Longest-lived token any role signs with the shared keys (Magento admin tokens: 4 h). */
export const DEFAULT_MAX_TOKEN_LIFETIME = 4 * 3600;

export interface Repositories {
  clients: ClientRepository;
  signingKeys: SigningKeyRepository;
  revocations: RevocationRepository;
  auditEvents: AuditEventRepository;
  assertionJtis: AssertionJtiRepository;
  initialAccessTokens: InitialAccessTokenRepository;
}

/** Everything the roles share in one process: built once, closed once. */
export interface Runtime {
  config: DeputyConfig;
  log: Logger;
  clock: Clock;
  store: Store;
  repos: Repositories;
  bus: EventBus;
  /** The 32-byte master key; roles derive their own keys from it (never store it). */
  masterKey: Buffer;
  envelope: Envelope;
  keys: SigningKeys;
  /** The revocation list every role writes and reads (store + event bus). */
  revocation: RevocationService;
  audit: AuditLog;
  /** Shared Redis connection for limiters when REDIS_URL is set. */
  redis: Redis | undefined;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  /** Open SQLite at this file instead of dataDir/deputy.db (":memory:" in tests). */
  sqliteFile?: string;
  /** Use an already opened store (tests on PostgreSQL schemas). */
  store?: Store;
  /** Skip migrations (the store is already migrated). */
  migrate?: boolean;
  auditFlushMs?: number;
  /** Overrides `keys.signerThreads` (one-shot CLI commands sign nothing on a hot path). */
  signerThreads?: number;
}

export async function createRuntime(config: DeputyConfig, log: Logger, opts: RuntimeOptions = {}): Promise<Runtime> {
  const clock = opts.clock ?? systemClock;
  const store = opts.store ?? openStore({ url: config.databaseUrl, dataDir: config.dataDir, ...(opts.sqliteFile ? { file: opts.sqliteFile } : {}) });
  const closers: Array<() => Promise<void>> = [];
  try {
    if (opts.migrate !== false) await migrateToLatest(store.db as never);
    const repos: Repositories = {
      clients: new ClientRepository(store.db),
      signingKeys: new SigningKeyRepository(store.db),
      revocations: new RevocationRepository(store.db),
      auditEvents: new AuditEventRepository(store.db),
      assertionJtis: new AssertionJtiRepository(store.db),
      initialAccessTokens: new InitialAccessTokenRepository(store.db),
    };
    const masterKey = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, shared: store.kind === 'postgres', log });
    const envelope = new Envelope(masterKey);
    let bus: EventBus;
    let redis: Redis | undefined;
    if (config.redisUrl) {
      bus = await RedisBus.connect(config.redisUrl, log);
      const { Redis: RedisClient } = await import('ioredis');
      redis = new RedisClient(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      closers.push(async () => { redis?.disconnect(); });
    } else {
      bus = new InProcessBus();
    }
    closers.push(() => bus.close());
    const maxTokenLifetime = Math.max(DEFAULT_MAX_TOKEN_LIFETIME, config.auth.accessTokenTtl, ...config.auth.resources.map((r) => r.accessTokenTtl));
    const threads = opts.signerThreads ?? config.keys.signerThreads;
    const signer = threads > 0 ? new SignerPool(threads) : undefined;
    if (signer) closers.push(() => signer.close());
    const keys = new SigningKeys({ repo: repos.signingKeys, envelope, clock, algorithm: config.keys.algorithm, activationDelay: config.keys.activationDelay, maxTokenLifetime, signer });
    await keys.load();
    const revocation = new RevocationService({ repo: repos.revocations, bus, clock, maxTokenLifetime });
    // A SQLite file is written from a thread of its own (node:sqlite blocks); an in-memory
    // database exists only on this connection, and PostgreSQL writes are asynchronous.
    const auditSink: AuditSink = store.kind === 'sqlite' && store.file && store.file !== ':memory:' ? new SqliteAuditWriter(store.file) : repos.auditEvents;
    const audit = new AuditLog(auditSink, log, { flushMs: opts.auditFlushMs ?? 100 });
    let closed = false;
    return {
      config, log, clock, store, repos, bus, masterKey, envelope, keys, revocation, audit, redis,
      async close() {
        if (closed) return;
        closed = true;
        await audit.close();
        for (const c of closers.reverse()) await c().catch(() => undefined);
        if (!opts.store) await store.close();
      },
    };
  } catch (err) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    if (!opts.store) await store.close().catch(() => undefined);
    throw err;
  }
}
