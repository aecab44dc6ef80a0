import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from './schema.ts';

export type SigningKeyRow = Selectable<SigningKeysTable>;

export class SigningKeyRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  async insert(row: SigningKeyRow): Promise<void> {
    await this.#db.insertInto('signing_keys').values(row).execute();
  }

  async all(): Promise<SigningKeyRow[]> {
    return this.#db.selectFrom('signing_keys').selectAll().orderBy('activates_at').orderBy('kid').execute();
  }

  async find(kid: string): Promise<SigningKeyRow | undefined> {
    return this.#db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
  }

  async update(kid: string, patch: Partial<Pick<SigningKeyRow, 'activates_at' | 'retired_at' | 'expires_at'>>): Promise<void> {
    await this.#db.updateTable('signing_keys').set(patch).where('kid', '=', kid).execute();
  }

  async delete(kid: string): Promise<void> {
    await this.#db.deleteFrom('signing_keys').where('kid', '=', kid).execute();
  }
}
