import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';

export interface SessionsTable {
  /** sha256 of the cookie value. */
  id_hash: string;
  /** null until the person signs in (a pre-login session carries only CSRF state). */
  user_id: string | null;
  auth_time: number | null;
  created_at: number;
  last_seen_at: number;
  /** Absolute end, whatever the activity. */
  expires_at: number;
}

export type SessionRow = Selectable<SessionsTable>;
type Db = Database & { sessions: SessionsTable };

export class SessionRepository {
  readonly #db: Kysely<Db>;
  constructor(db: Kysely<Database>) { this.#db = db as unknown as Kysely<Db>; }

  async insert(row: SessionRow): Promise<void> {
    await this.#db.insertInto('sessions').values(row).execute();
  }

  async find(idHash: string): Promise<SessionRow | undefined> {
    return this.#db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  }

  async touch(idHash: string, now: number): Promise<void> {
    await this.#db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of a person (disabled account). */
  async deleteForUser(userId: string): Promise<number> {
    const r = await this.#db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async purgeExpired(now: number, idleBefore: number): Promise<number> {
    const r = await this.#db.deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
