import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** RFC 7591 §3 initial access tokens, stored hashed. */
export class InitialAccessTokenRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  async insert(tokenHash: string, now: number, expiresAt: number, usesLeft: number | null, note: string | null): Promise<void> {
    await this.#db.insertInto('initial_access_tokens')
      .values({ token_hash: tokenHash, created_at: now, expires_at: expiresAt, uses_left: usesLeft, note }).execute();
  }

  /** Atomically spends one use; false when unknown, expired or used up. */
  async spend(tokenHash: string, now: number): Promise<boolean> {
    const limited = await this.#db.updateTable('initial_access_tokens')
      .set((eb) => ({ uses_left: eb('uses_left', '-', 1) }))
      .where('token_hash', '=', tokenHash).where('expires_at', '>', now).where('uses_left', '>', 0)
      .executeTakeFirst();
    if (Number(limited.numUpdatedRows) === 1) return true;
    const unlimited = await this.#db.selectFrom('initial_access_tokens').select('token_hash')
      .where('token_hash', '=', tokenHash).where('expires_at', '>', now).where('uses_left', 'is', null)
      .executeTakeFirst();
    return unlimited !== undefined;
  }
}
