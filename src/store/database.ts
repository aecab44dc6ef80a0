import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { nodeSqliteDialect } from './sqlite-dialect.ts';
import type { Database } from './schema.ts';

export type DbKind = 'sqlite' | 'postgres';

export interface Store<DB = Database> {
  db: Kysely<DB>;
  kind: DbKind;
  /** SQLite: the database file (":memory:" for an in-memory one). */
  file?: string;
  close(): Promise<void>;
}

// int8 (bigint) columns hold epoch seconds; parse them as numbers, not strings.
pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));

/**
 * Opens PostgreSQL when `url` is postgres://…, else SQLite at `file` (":memory:" allowed).
 * `schema` puts PostgreSQL tables in their own namespace (tests use one per run).
 */
export function openStore<DB = Database>(opts: { url?: string | undefined; file?: string; dataDir?: string; schema?: string; poolSize?: number }): Store<DB> {
  if (opts.url) {
    let options: string | undefined;
    if (opts.schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error(`invalid schema name ${opts.schema}`);
      // A startup parameter, so every connection has it before its first query.
      options = `-c search_path=${opts.schema}`;
    }
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 16, ...(options ? { options } : {}) });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  let file = opts.file;
  if (!file) {
    const dir = opts.dataDir ?? './data';
    mkdirSync(dir, { recursive: true });
    file = join(dir, 'deputy.db');
  }
  const { dialect } = nodeSqliteDialect(file);
  const db = new Kysely<DB>({ dialect });
  return { db, kind: 'sqlite', file, close: () => db.destroy() };
}
