import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** par: an RFC 9126 pushed request; interaction: a validated request awaiting login/consent. */
export type AuthorizationRequestKind = 'par' | 'interaction';

export interface AuthorizationRequestsTable {
  /** sha256 of the request_uri / interaction id. */
  id_hash: string;
  kind: AuthorizationRequestKind;
  client_id: string;
  /** JSON of the authorization request parameters. */
  params: string;
  expires_at: number;
}

type Db = Database & { authorization_requests: AuthorizationRequestsTable };

export class AuthorizationRequestRepository {
  readonly #db: Kysely<Db>;
  constructor(db: Kysely<Database>) { this.#db = db as unknown as Kysely<Db>; }

  async insert(row: AuthorizationRequestsTable): Promise<void> {
    await this.#db.insertInto('authorization_requests').values(row).execute();
  }

  async find(idHash: string, kind: AuthorizationRequestKind, now: number): Promise<AuthorizationRequestsTable | undefined> {
    return this.#db.selectFrom('authorization_requests').selectAll()
      .where('id_hash', '=', idHash).where('kind', '=', kind).where('expires_at', '>', now)
      .executeTakeFirst();
  }

  /** Atomically takes a request (single use), in one statement; undefined when unknown, expired or taken. */
  async take(idHash: string, kind: AuthorizationRequestKind, now: number): Promise<AuthorizationRequestsTable | undefined> {
    return this.#db.deleteFrom('authorization_requests')
      .where('id_hash', '=', idHash).where('kind', '=', kind).where('expires_at', '>', now)
      .returningAll().executeTakeFirst();
  }

  async purgeExpired(now: number): Promise<void> {
    await this.#db.deleteFrom('authorization_requests').where('expires_at', '<=', now).execute();
  }
}
