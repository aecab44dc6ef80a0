import { SqliteAdapter, sql, type Kysely } from 'kysely';

export function isSqlite(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * The schema Kysely's migrator must use for its own tables. Its PostgreSQL existence
 * check looks at every schema, so without naming ours it would see another schema's
 * lock table (parallel test runs, shared databases) and never create its own.
 */
export async function migrationSchema(db: Kysely<unknown>): Promise<string | undefined> {
  if (isSqlite(db)) return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}
