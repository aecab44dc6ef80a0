import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { GrantsTable } from './grants.ts';
import type { UsersTable } from './users.ts';

export interface RefreshTokensTable {
  /** sha256 of the opaque token. */
  token_hash: string;
  /** Every rotation of one original issuance shares a family. */
  family_id: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  resource: string | null;
  created_at: number;
  /** Absolute end of the family (set at first issuance, inherited by rotations). */
  expires_at: number;
  /** Set once when rotated; presenting it again is reuse. */
  used_at: number | null;
  revoked: number;
  /** The access token issued alongside, so revoking the family reaches it. */
  access_jti: string | null;
  access_exp: number | null;
}

export type RefreshTokenRow = Selectable<RefreshTokensTable>;
type Db = Database & { refresh_tokens: RefreshTokensTable; grants: GrantsTable; users: UsersTable };

export type Rotation =
  | { outcome: 'rotated'; row: RefreshTokenRow }
  | { outcome: 'reused'; row: RefreshTokenRow }
  | { outcome: 'revoked'; row: RefreshTokenRow }
  | { outcome: 'unknown' };

/** Issued access tokens a revocation must reach. */
export interface IssuedAccess { jti: string; exp: number }

/** Refresh tokens: opaque, hashed, rotated on every use; reuse is detected atomically. */
export class RefreshTokenRepository {
  readonly #db: Kysely<Db>;
  constructor(db: Kysely<Database>) { this.#db = db as unknown as Kysely<Db>; }

  async insert(row: RefreshTokenRow): Promise<void> {
    await this.#db.insertInto('refresh_tokens').values(row).execute();
  }

  /** The token with its grant's status and its person's disabled flag, in one round trip. */
  async findWithContext(tokenHash: string): Promise<(RefreshTokenRow & { grant_status: string | null; user_disabled: number | null }) | undefined> {
    return this.#db.selectFrom('refresh_tokens')
      .leftJoin('grants', 'grants.id', 'refresh_tokens.grant_id')
      .leftJoin('users', 'users.id', 'refresh_tokens.user_id')
      .selectAll('refresh_tokens')
      .select(['grants.status as grant_status', 'users.disabled as user_disabled'])
      .where('refresh_tokens.token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  async find(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.#db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /**
   * Spends `tokenHash` and stores its successor in one transaction: of two concurrent
   * callers exactly one gets 'rotated'; the other sees the token used ('reused').
   */
  async rotate(tokenHash: string, now: number, next: (old: RefreshTokenRow) => RefreshTokenRow | undefined): Promise<Rotation> {
    return this.#db.transaction().execute(async (trx) => {
      const spent = await trx.updateTable('refresh_tokens').set({ used_at: now })
        .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('revoked', '=', 0)
        .returningAll().executeTakeFirst();
      if (spent) {
        const successor = next(spent);
        if (successor) await trx.insertInto('refresh_tokens').values(successor).execute();
        return { outcome: 'rotated', row: spent } as const;
      }
      const row = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      if (!row) return { outcome: 'unknown' } as const;
      return { outcome: row.revoked ? 'revoked' : 'reused', row } as const;
    });
  }

  /** Revokes every token of a family; returns the access tokens issued with them (one statement). */
  async revokeFamily(familyId: string): Promise<IssuedAccess[]> {
    return this.#revokeWhere('family_id', familyId);
  }

  /** Revokes every token of a grant; returns the access tokens issued with them (one statement). */
  async revokeGrant(grantId: string): Promise<IssuedAccess[]> {
    return this.#revokeWhere('grant_id', grantId);
  }

  async #revokeWhere(column: 'family_id' | 'grant_id', value: string): Promise<IssuedAccess[]> {
    const rows = await this.#db.updateTable('refresh_tokens').set({ revoked: 1 }).where(column, '=', value)
      .returning(['access_jti', 'access_exp']).execute();
    return rows.flatMap((r) => (r.access_jti && r.access_exp !== null ? [{ jti: r.access_jti, exp: r.access_exp }] : []));
  }

  async purgeExpired(now: number): Promise<void> {
    await this.#db.deleteFrom('refresh_tokens').where('expires_at', '<=', now).execute();
  }
}
