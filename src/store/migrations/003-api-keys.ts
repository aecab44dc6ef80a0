import type { Kysely } from 'kysely';

// API keys for the gateway: only the SHA-256 of a key is stored, never the key.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    /** The agent or integration the key belongs to (becomes client_id). */
    .addColumn('client_id', 'text', (c) => c.notNull())
    /** The person it acts for, or null when the client acts as itself. */
    .addColumn('subject', 'text')
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    /** JSON list of ACL resource ids. */
    .addColumn('acl', 'text', (c) => c.notNull())
    /** JSON list of resource ids the key is valid for; empty = any. */
    .addColumn('resources', 'text', (c) => c.notNull())
    .addColumn('rate_limit', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_keys_client_id').on('api_keys').column('client_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_keys').ifExists().execute();
}
