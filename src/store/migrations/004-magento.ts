import type { Kysely } from 'kysely';

// Magento compatibility: OAuth 1.0a integrations and their tokens, token-service lockout,
// admin roles and TOTP. Portable types only; secrets are AES-GCM envelopes or SHA-256.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('magento_integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('callback_url', 'text')
    .addColumn('identity_link_url', 'text')
    .addColumn('resources', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('consumer_key', 'text', (c) => c.notNull().unique())
    .addColumn('consumer_secret_enc', 'text', (c) => c.notNull())
    .addColumn('verifier_hash', 'text')
    .addColumn('verifier_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .execute();

  await db.schema.createTable('magento_oauth_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('magento_oauth_tokens_integration').on('magento_oauth_tokens').column('integration_id').execute();

  await db.schema.createTable('magento_login_failures')
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addPrimaryKeyConstraint('magento_login_failures_pk', ['user_type', 'username'])
    .execute();

  await db.schema.createTable('magento_admin_users')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text')
    .addColumn('totp_secret_enc', 'text')
    .addColumn('totp_enrolled_at', 'bigint')
    .addColumn('totp_last_step', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['magento_admin_users', 'magento_login_failures', 'magento_oauth_tokens', 'magento_integrations']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
