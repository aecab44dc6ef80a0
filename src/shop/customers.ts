import type { Kysely, Selectable } from 'kysely';
import type { CustomersTable, ShopDatabase } from './schema.ts';

export type CustomerRow = Selectable<CustomersTable>;

export class CustomerRepository {
  readonly #db: Kysely<ShopDatabase>;
  constructor(db: Kysely<ShopDatabase>) { this.#db = db; }

  async findByDeputyUser(deputyUserId: string): Promise<CustomerRow | undefined> {
    return this.#db.selectFrom('shop_customers').selectAll().where('deputy_user_id', '=', deputyUserId).executeTakeFirst();
  }

  /** The customer linked to a Deputy user, created on first sight (race-safe). */
  async ensure(deputyUserId: string, defaults: { email: string; firstname: string; lastname: string }, now: number): Promise<CustomerRow> {
    const found = await this.findByDeputyUser(deputyUserId);
    if (found) return found;
    await this.#db.insertInto('shop_customers')
      .values({ deputy_user_id: deputyUserId, ...defaults, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('deputy_user_id').doNothing())
      .execute();
    const row = await this.findByDeputyUser(deputyUserId);
    if (!row) throw new Error('customer vanished after insert');
    return row;
  }

  async update(id: number, patch: { email: string; firstname: string; lastname: string }, now: number): Promise<void> {
    await this.#db.updateTable('shop_customers').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
  }
}
