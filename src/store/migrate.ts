import { migrationSchema } from './dialect.ts';
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as m001 from './migrations/001-core.ts';
import * as m002 from './migrations/002-people.ts';
import * as m003 from './migrations/003-api-keys.ts';
import * as m004 from './migrations/004-magento.ts';
import * as m005 from './migrations/005-one-active-grant.ts';

/**
 * The ordered list of migrations. Each feature adds its own file and one line here;
 * names sort lexically, so keep the numeric prefix.
 */
export const migrations: Record<string, Migration> = {
  '001-core': m001,
  '002-people': m002,
  '003-api-keys': m003,
  '004-magento': m004,
  '005-one-active-grant': m005,
};

/**
 * Applies `list` in name order. `tablePrefix` gives a list its own bookkeeping tables
 * (`<prefix>kysely_migration[_lock]`), so two lists can share one database.
 */
export async function migrateToLatest(db: Kysely<unknown>, list: Record<string, Migration> = migrations, opts: { tablePrefix?: string } = {}): Promise<MigrationResultSet> {
  const schema = await migrationSchema(db);
  const prefix = opts.tablePrefix ?? '';
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => list },
    migrationTableName: `${prefix}kysely_migration`,
    migrationLockTableName: `${prefix}kysely_migration_lock`,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
