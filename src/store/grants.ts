import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';

/** active: usable; revoked: the person or an admin took it back; broken: token reuse detected. */
export type GrantStatus = 'active' | 'revoked' | 'broken';

export interface GrantsTable {
  id: string;
  user_id: string;
  client_id: string;
  /** Space-separated scopes the person consented to. */
  scope: string;
  status: GrantStatus;
  created_at: number;
  updated_at: number;
  /** Updated when its tokens are refreshed or introspected. */
  last_used_at: number | null;
  revoked_at: number | null;
}

export type GrantRow = Selectable<GrantsTable>;
type Db = Database & { grants: GrantsTable };

/** A person's consent to one agent: remembered per (user, client). */
export class GrantRepository {
  readonly #db: Kysely<Db>;
  constructor(db: Kysely<Database>) { this.#db = db as unknown as Kysely<Db>; }

  async insert(row: GrantRow): Promise<void> {
    await this.#db.insertInto('grants').values(row).execute();
  }

  /** Inserts an active grant; false when the person already has one for this client. */
  async insertActive(row: GrantRow): Promise<boolean> {
    try {
      await this.insert(row);
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async find(id: string): Promise<GrantRow | undefined> {
    return this.#db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findActive(userId: string, clientId: string): Promise<GrantRow | undefined> {
    return this.#db.selectFrom('grants').selectAll()
      .where('user_id', '=', userId).where('client_id', '=', clientId).where('status', '=', 'active')
      .orderBy('created_at', 'desc').executeTakeFirst();
  }

  async listForUser(userId: string): Promise<GrantRow[]> {
    return this.#db.selectFrom('grants').selectAll().where('user_id', '=', userId).where('status', '=', 'active')
      .orderBy('created_at', 'desc').execute();
  }

  async list(limit = 500): Promise<GrantRow[]> {
    return this.#db.selectFrom('grants').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  }

  /**
   * Adds scopes to an active grant with compare-and-set on the old value, so concurrent
   * consents extend it together instead of overwriting each other. Starts from the row the
   * caller read (re-read only when it changed meanwhile); returns the merged scope, or
   * undefined when the grant is no longer active.
   */
  async addScopes(grant: GrantRow, add: readonly string[], now: number): Promise<string | undefined> {
    let row: GrantRow | undefined = grant;
    for (let attempt = 0; attempt < 20; attempt++) {
      if (!row || row.status !== 'active') return undefined;
      const current = row.scope.split(' ').filter(Boolean);
      const merged = [...new Set([...current, ...add])];
      if (merged.length === current.length) return row.scope;
      const r = await this.#db.updateTable('grants').set({ scope: merged.join(' '), updated_at: now })
        .where('id', '=', row.id).where('scope', '=', row.scope).where('status', '=', 'active').executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return merged.join(' ');
      row = await this.find(grant.id); // changed meanwhile: start again from the stored row
    }
    throw new Error('grant scope kept changing under concurrent consents');
  }

  async markUsed(id: string, now: number): Promise<void> {
    await this.#db.updateTable('grants').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  /** Ends an active grant; false when it was not active (already ended, or unknown). */
  async end(id: string, status: Exclude<GrantStatus, 'active'>, now: number): Promise<boolean> {
    const r = await this.#db.updateTable('grants').set({ status, revoked_at: now, updated_at: now })
      .where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

/** PostgreSQL 23505, or SQLite's UNIQUE constraint failure. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errcode?: number; message?: string };
  return e.code === '23505' || e.errcode === 2067 || /UNIQUE constraint failed/.test(e.message ?? '');
}
