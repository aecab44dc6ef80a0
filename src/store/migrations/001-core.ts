import type { Kysely } from 'kysely';
import { isSqlite } from '../dialect.ts';

// Portable types only (text, integer, bigint) so one migration serves SQLite and PostgreSQL.

export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = isSqlite(db);
  await db.schema.createTable('clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('secret_expires_at', 'bigint')
    .addColumn('previous_secret_hash', 'text')
    .addColumn('previous_secret_expires_at', 'bigint')
    .addColumn('registration_token_hash', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema.createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activates_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .execute();

  await db.schema.createTable('revocations')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('exp', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('revocations_pk', ['kind', 'value'])
    .execute();
  await db.schema.createIndex('revocations_created_at').on('revocations').column('created_at').execute();

  await db.schema.createTable('audit_events')
    .addColumn('id', sqlite ? 'integer' : 'bigserial', (c) => (sqlite ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('subject', 'text')
    .addColumn('reason', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_events_time').on('audit_events').column('time').execute();

  await db.schema.createTable('assertion_jtis')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('exp', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('initial_access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('uses_left', 'integer')
    .addColumn('note', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['initial_access_tokens', 'assertion_jtis', 'audit_events', 'revocations', 'signing_keys', 'clients']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
