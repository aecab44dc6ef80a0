import type { Kysely, Selectable } from 'kysely';
import type { MagentoAdminUsersTable } from '../../store/integrations.ts';
import type { Database } from '../../store/schema.ts';

export type AdminProfileRow = Selectable<MagentoAdminUsersTable>;

/** Magento-side settings of an admin: role and TOTP enrolment. */
export class AdminProfileRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  async find(userId: string): Promise<AdminProfileRow | undefined> {
    return this.#db.selectFrom('magento_admin_users').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  async upsert(userId: string, patch: Partial<Omit<AdminProfileRow, 'user_id'>>, now: number): Promise<void> {
    await this.#db.insertInto('magento_admin_users')
      .values({ user_id: userId, role: null, totp_secret_enc: null, totp_enrolled_at: null, totp_last_step: null, ...patch, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...patch, updated_at: now }))
      .execute();
  }

  /** Records a TOTP step as used; false when this or a later step already was (a replay). */
  async useStep(userId: string, step: number, now: number): Promise<boolean> {
    const r = await this.#db.updateTable('magento_admin_users').set({ totp_last_step: step, updated_at: now })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
