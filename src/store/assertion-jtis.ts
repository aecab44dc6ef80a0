import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Single use of private_key_jwt assertion ids within their lifetime. */
export class AssertionJtiRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  /**
   * Atomically records the key; false when it is already recorded and unexpired (a
   * replay). An expired entry is taken over in the same statement.
   */
  async consume(key: string, exp: number, now: number): Promise<boolean> {
    const r = await this.#db.insertInto('assertion_jtis').values({ key, exp })
      .onConflict((oc) => oc.column('key').doUpdateSet({ exp }).where('assertion_jtis.exp', '<=', now))
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async purgeExpired(now: number): Promise<void> {
    await this.#db.deleteFrom('assertion_jtis').where('exp', '<=', now).execute();
  }
}
