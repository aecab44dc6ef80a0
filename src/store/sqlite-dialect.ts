import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

type Param = null | number | bigint | string | Uint8Array;

function params(values: ReadonlyArray<unknown>): Param[] {
  // node:sqlite binds neither booleans nor undefined; the schema stores flags as 0/1.
  return values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v)) as Param[];
}

function wrapStatement(stmt: StatementSync): SqliteStatement {
  return {
    reader: stmt.columns().length > 0,
    all: (p) => stmt.all(...params(p)),
    run: (p) => {
      const r = stmt.run(...params(p));
      return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
    },
    iterate: (p) => stmt.iterate(...params(p)) as IterableIterator<unknown>,
  };
}

const STATEMENT_CACHE_SIZE = 256;

/** Kysely's SQLite dialect over Node's built-in `node:sqlite` (no native addon). */
export function nodeSqliteDialect(file: string): { dialect: SqliteDialect; raw: DatabaseSync } {
  const raw = new DatabaseSync(file);
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec('PRAGMA busy_timeout = 5000');
  raw.exec('PRAGMA foreign_keys = ON');
  // Kysely asks for a statement on every query; compiling the SQL each time costs more
  // than running it for the small statements of the request path. Kysely's texts are
  // parameterised, so a few hundred cover every query the code can build.
  const cache = new Map<string, SqliteStatement>();
  const database: SqliteDatabase = {
    close: () => { cache.clear(); raw.close(); },
    prepare: (sql) => {
      let stmt = cache.get(sql);
      if (stmt) return stmt;
      stmt = wrapStatement(raw.prepare(sql));
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
      return stmt;
    },
  };
  return { dialect: new SqliteDialect({ database }), raw };
}
