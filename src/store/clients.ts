import type { Kysely, Selectable } from 'kysely';
import type { ClientsTable, Database } from './schema.ts';

export type ClientRow = Selectable<ClientsTable>;

/** Client storage. Secrets arrive here already hashed. */
export class ClientRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  async insert(row: ClientRow): Promise<void> {
    await this.#db.insertInto('clients').values(row).execute();
  }

  async find(clientId: string): Promise<ClientRow | undefined> {
    return this.#db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  }

  async list(): Promise<ClientRow[]> {
    return this.#db.selectFrom('clients').selectAll().orderBy('created_at').orderBy('client_id').execute();
  }

  async update(clientId: string, patch: Partial<Omit<ClientRow, 'client_id' | 'created_at'>>): Promise<boolean> {
    const r = await this.#db.updateTable('clients').set(patch).where('client_id', '=', clientId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(clientId: string): Promise<boolean> {
    const r = await this.#db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
