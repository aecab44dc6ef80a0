import { sql, type Kysely } from 'kysely';

// At most one active grant per (person, agent): two first consents racing each other
// must not leave two grants, one of which the person could not see to revoke.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('grants_one_active').on('grants').columns(['user_id', 'client_id']).unique().where(sql.ref('status'), '=', 'active').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('grants_one_active').ifExists().execute();
}
