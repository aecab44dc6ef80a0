import type { Kysely, Selectable } from 'kysely';
import type { Database, RevocationsTable } from './schema.ts';

export type RevocationKind = 'jti' | 'grant' | 'subject';
export type RevocationRow = Selectable<RevocationsTable>;

/** The revocation list: entries live until the tokens they cover have expired. */
export class RevocationRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  async add(kind: RevocationKind, value: string, exp: number, now: number): Promise<void> {
    await this.#db.insertInto('revocations')
      .values({ kind, value, exp, created_at: now })
      .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet({ exp, created_at: now }))
      .execute();
  }


  /** The live entries among these (kind, value) pairs, in one round trip. */
  async matching(pairs: ReadonlyArray<readonly [RevocationKind, string]>, now: number): Promise<RevocationRow[]> {
    if (pairs.length === 0) return [];
    return this.#db.selectFrom('revocations').selectAll()
      .where('exp', '>', now)
      .where((eb) => eb.or(pairs.map(([kind, value]) => eb.and([eb('kind', '=', kind), eb('value', '=', value)]))))
      .execute();
  }

  /** Entries created at or after `since`: the gateway's catch-up poll. */
  async since(since: number, now: number): Promise<RevocationRow[]> {
    return this.#db.selectFrom('revocations').selectAll()
      .where('created_at', '>=', since).where('exp', '>', now)
      .orderBy('created_at').limit(10_000).execute();
  }

  async purgeExpired(now: number): Promise<number> {
    const r = await this.#db.deleteFrom('revocations').where('exp', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
