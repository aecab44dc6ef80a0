import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { GrantsTable } from './grants.ts';
import type { UsersTable } from './users.ts';

export interface AuthorizationCodesTable {
  /** sha256 of the code. */
  code_hash: string;
  client_id: string;
  user_id: string;
  grant_id: string;
  redirect_uri: string;
  /** PKCE S256 challenge. */
  code_challenge: string;
  /** Granted scope (space-separated). */
  scope: string;
  /** RFC 8707 resource, or null for the default. */
  resource: string | null;
  auth_time: number;
  created_at: number;
  expires_at: number;
  /** Set once by the single successful redemption. */
  used_at: number | null;
  /** What the redemption issued, so a replay can revoke it. */
  family_id: string | null;
  access_jti: string | null;
  access_exp: number | null;
}

export type AuthorizationCodeRow = Selectable<AuthorizationCodesTable>;
type Db = Database & { authorization_codes: AuthorizationCodesTable; grants: GrantsTable; users: UsersTable };

export type CodeRedemption =
  | { outcome: 'redeemed'; row: AuthorizationCodeRow }
  | { outcome: 'replayed'; row: AuthorizationCodeRow }
  | { outcome: 'unknown' };

/** Authorization codes: stored hashed, redeemed at most once (atomic consume). */
export class AuthorizationCodeRepository {
  readonly #db: Kysely<Db>;
  constructor(db: Kysely<Database>) { this.#db = db as unknown as Kysely<Db>; }

  async insert(row: AuthorizationCodeRow): Promise<void> {
    await this.#db.insertInto('authorization_codes').values(row).execute();
  }

  /** The code with its grant's status and its person's disabled flag, in one round trip. */
  async findWithContext(codeHash: string): Promise<(AuthorizationCodeRow & { grant_status: string | null; user_disabled: number | null }) | undefined> {
    return this.#db.selectFrom('authorization_codes')
      .leftJoin('grants', 'grants.id', 'authorization_codes.grant_id')
      .leftJoin('users', 'users.id', 'authorization_codes.user_id')
      .selectAll('authorization_codes')
      .select(['grants.status as grant_status', 'users.disabled as user_disabled'])
      .where('authorization_codes.code_hash', '=', codeHash)
      .executeTakeFirst();
  }

  async find(codeHash: string): Promise<AuthorizationCodeRow | undefined> {
    return this.#db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  }

  /**
   * Marks the code used and records what the redemption issued, in one statement:
   * exactly one concurrent caller gets 'redeemed', and any later caller sees what to revoke.
   */
  async redeem(codeHash: string, now: number, issued: { familyId: string | null; accessJti: string; accessExp: number }): Promise<CodeRedemption> {
    const redeemed = await this.#db.updateTable('authorization_codes')
      .set({ used_at: now, family_id: issued.familyId, access_jti: issued.accessJti, access_exp: issued.accessExp })
      .where('code_hash', '=', codeHash).where('used_at', 'is', null).returningAll().executeTakeFirst();
    if (redeemed) return { outcome: 'redeemed', row: redeemed };
    const row = await this.find(codeHash);
    return row ? { outcome: 'replayed', row } : { outcome: 'unknown' };
  }

  async purgeExpired(before: number): Promise<void> {
    // Used codes are kept until they expire plus a margin so late replays are still detected.
    await this.#db.deleteFrom('authorization_codes').where('expires_at', '<=', before).execute();
  }
}
