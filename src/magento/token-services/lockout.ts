import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

// Magento's lockout for the token services: after `maxFailures` failed attempts within
// `duration` seconds the (username, user type) is locked for `duration` seconds; while
// locked even the right password is refused. In the store, so every process and the
// injected clock agree.

export class TokenLockout {
  readonly #db: Kysely<Database>;
  readonly #max: number;
  readonly #duration: number;

  constructor(db: Kysely<Database>, opts: { maxFailures: number; duration: number }) {
    this.#db = db;
    this.#max = opts.maxFailures;
    this.#duration = opts.duration;
  }

  /** Seconds until attempts are accepted again, or 0. */
  async lockedFor(userType: string, username: string, now: number): Promise<number> {
    const row = await this.#db.selectFrom('magento_login_failures').select('locked_until')
      .where('user_type', '=', userType).where('username', '=', username).executeTakeFirst();
    return row?.locked_until && row.locked_until > now ? row.locked_until - now : 0;
  }

  /**
   * Counts a failure; true when this failure locked the account. One atomic upsert, so
   * concurrent failures are all counted (a burst cannot lose increments).
   */
  async fail(userType: string, username: string, now: number): Promise<boolean> {
    const stale = sql<boolean>`(magento_login_failures.first_failure_at <= ${now - this.#duration} or (magento_login_failures.locked_until is not null and magento_login_failures.locked_until <= ${now}))`;
    const row = await this.#db.insertInto('magento_login_failures')
      .values({ user_type: userType, username, failures: 1, first_failure_at: now, locked_until: null })
      .onConflict((oc) => oc.columns(['user_type', 'username']).doUpdateSet({
        failures: sql<number>`case when ${stale} then 1 else magento_login_failures.failures + 1 end`,
        first_failure_at: sql<number>`case when ${stale} then ${now} else magento_login_failures.first_failure_at end`,
        locked_until: sql<number | null>`case when magento_login_failures.locked_until <= ${now} then null else magento_login_failures.locked_until end`,
      }))
      .returning('failures').executeTakeFirstOrThrow();
    if (row.failures < this.#max) return false;
    const r = await this.#db.updateTable('magento_login_failures').set({ failures: 0, locked_until: now + this.#duration })
      .where('user_type', '=', userType).where('username', '=', username).where('failures', '>=', this.#max)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Forgets rows that neither lock nor count any more (the table cannot grow without bound). */
  async purgeStale(now: number): Promise<number> {
    const r = await this.#db.deleteFrom('magento_login_failures')
      .where('first_failure_at', '<=', now - this.#duration)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async reset(userType: string, username: string): Promise<void> {
    await this.#db.deleteFrom('magento_login_failures').where('user_type', '=', userType).where('username', '=', username).execute();
  }
}
