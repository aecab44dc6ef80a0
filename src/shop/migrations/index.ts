import type { Kysely, Migration } from 'kysely';
import { migrateToLatest } from '../../store/migrate.ts';
import * as m001 from './001-shop.ts';

/** The shop's own ordered migrations (it has its own database). */
export const shopMigrations: Record<string, Migration> = {
  '001-shop': m001,
};

/**
 * Runs the shop migrations with their own bookkeeping tables (`shop_kysely_migration…`),
 * so the shop may share a PostgreSQL database with Deputy's store.
 */
export async function migrateShop(db: Kysely<unknown>): Promise<void> {
  await migrateToLatest(db, shopMigrations, { tablePrefix: 'shop_' });
}
