import { sql, type Kysely } from 'kysely';
import { isSqlite } from '../../src/store/dialect.ts';

/** Every row of every table as one string: what "no plaintext secret" tests search. */
export async function dumpAllTables(db: Kysely<any>): Promise<string> { // any: reads every table generically
  const tables = isSqlite(db)
    ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
    : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((r) => r.name);
  let out = '';
  for (const t of tables) out += JSON.stringify((await sql`select * from ${sql.table(t)}`.execute(db)).rows);
  return out;
}
