import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import type { Migration } from 'kysely';
import type { Redis } from 'ioredis';

// Every repository suite runs against SQLite and PostgreSQL. PostgreSQL comes from
// DATABASE_TEST_URL (CI sets it); locally without a server the PostgreSQL half skips
// with a printed reason, and with CI=true it must run.

export const PG_URL = process.env.DATABASE_TEST_URL ?? (process.env.CI === 'true' ? 'postgres://postgres@127.0.0.1:5432/test' : undefined);
export const REDIS_URL = process.env.REDIS_TEST_URL ?? (process.env.CI === 'true' ? 'redis://127.0.0.1:6379' : undefined);

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A reason to skip, or false. */
  skip: string | false;
  /** A fresh, migrated, empty store. */
  open(migrations?: Record<string, Migration>): Promise<Store>;
}

async function pgReachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try { await c.connect(); await c.end(); return true; } catch { return false; }
}

let pgState: Promise<string | false> | undefined;
function pgSkip(): Promise<string | false> {
  pgState ??= (async () => {
    if (!PG_URL) return 'PostgreSQL not configured (set DATABASE_TEST_URL or CI=true)';
    if (await pgReachable(PG_URL)) return false;
    if (process.env.CI === 'true') throw new Error(`CI=true but PostgreSQL at ${PG_URL} is unreachable`);
    return `PostgreSQL at ${PG_URL} is unreachable`;
  })();
  return pgState;
}

// Kysely's migrator introspects every schema in the database, and its query resolves
// each table by name (pg_get_serial_sequence): a schema another test file drops mid-scan
// fails that migration with "schema … does not exist". Test files run in parallel
// processes, so creating+migrating and dropping a schema take one advisory lock.
const SCHEMA_LOCK = 7_243_001;

/** Runs `fn` while holding the cross-process schema lock. */
export async function withSchemaLock<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    return await fn(client);
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

/** Opens a PostgreSQL store in a schema of its own, dropped when the store closes. */
export async function openPgStore(migrations?: Record<string, Migration>): Promise<Store> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await withSchemaLock(async (admin) => {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const opened = openStore({ url: PG_URL, schema, poolSize: 8 });
    await migrateToLatest(opened.db as never, migrations);
    return opened;
  });
  return {
    ...store,
    close: async () => {
      await store.close();
      await withSchemaLock((c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
    },
  };
}

export async function openSqliteStore(migrations?: Record<string, Migration>): Promise<Store> {
  const store = openStore({ file: ':memory:' });
  await migrateToLatest(store.db as never, migrations);
  return store;
}

export async function backends(): Promise<Backend[]> {
  const skip = await pgSkip();
  if (skip) console.log(`# skipping PostgreSQL backend: ${skip}`);
  return [
    { name: 'sqlite', skip: false, open: openSqliteStore },
    { name: 'postgres', skip, open: openPgStore },
  ];
}

/** Redis for scale-out tests: a URL, or a reason to skip (throws under CI=true). */
export async function redisOrSkip(): Promise<{ url: string } | { skip: string }> {
  if (!REDIS_URL) return { skip: 'Redis not configured (set REDIS_TEST_URL or CI=true)' };
  const { Redis } = await import('ioredis');
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try { await r.connect(); await r.ping(); r.disconnect(); return { url: REDIS_URL }; } catch {
    r.disconnect();
    if (process.env.CI === 'true') throw new Error(`CI=true but Redis at ${REDIS_URL} is unreachable`);
    return { skip: `Redis at ${REDIS_URL} is unreachable` };
  }
}

/** Deletes every key under `prefix:` (tests give each run a prefix of its own). */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
