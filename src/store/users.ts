import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';

export type UserType = 'customer' | 'admin';

export interface UsersTable {
  id: string;
  /** Lower-cased sign-in name (an email address for customers). */
  username: string;
  name: string;
  type: UserType;
  /** "scrypt$N$r$p$salt$hash" — never the password. */
  password_hash: string;
  disabled: number;
  created_at: number;
  updated_at: number;
}

export type UserRow = Selectable<UsersTable>;
type Db = Database & { users: UsersTable };

/** People who sign in: customers who delegate to agents, and admins. */
export class UserRepository {
  readonly #db: Kysely<Db>;
  constructor(db: Kysely<Database>) { this.#db = db as unknown as Kysely<Db>; }

  async insert(row: UserRow): Promise<void> {
    await this.#db.insertInto('users').values(row).execute();
  }

  async find(id: string): Promise<UserRow | undefined> {
    return this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return this.#db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async list(): Promise<UserRow[]> {
    return this.#db.selectFrom('users').selectAll().orderBy('created_at').orderBy('username').execute();
  }

  async update(id: string, patch: Partial<Omit<UserRow, 'id' | 'created_at'>>): Promise<boolean> {
    const r = await this.#db.updateTable('users').set(patch).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
