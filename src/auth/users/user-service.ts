import { hashPassword, needsRehash, verifyPassword } from '../../crypto/password.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Runtime } from '../../runtime.ts';
import type { UserRow, UserType } from '../../store/users.ts';
import { peopleRepos } from './people-repos.ts';
import { usersConfig, type UsersConfig } from './users-config.ts';

export class UserError extends Error {
  /** Stable code callers branch on: invalid_username, invalid_password, duplicate, not_found. */
  readonly code: string;
  constructor(code: string, message: string) { super(message); this.code = code; }
}

export const MIN_PASSWORD_LENGTH = 8;

/** Sign-in names are compared lower-cased and trimmed. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Public view of a user: never the hash. */
export interface UserInfo { id: string; username: string; name: string; type: UserType; disabled: boolean; createdAt: number }

export function userInfo(row: UserRow): UserInfo {
  return { id: row.id, username: row.username, name: row.name, type: row.type, disabled: row.disabled === 1, createdAt: row.created_at };
}

/** Creating, verifying and disabling people. */
export class UserService {
  readonly #rt: Runtime;
  readonly #cfg: UsersConfig;
  #dummyHash: Promise<string> | undefined;

  constructor(rt: Runtime, cfg: UsersConfig = usersConfig(rt.config)) {
    this.#rt = rt;
    this.#cfg = cfg;
  }

  get config(): UsersConfig { return this.#cfg; }

  async create(input: { username: string; name?: string; type: UserType; password: string }): Promise<UserInfo> {
    const username = normalizeUsername(input.username);
    if (!/^[^\s<>"']{3,254}$/.test(username)) throw new UserError('invalid_username', 'username must be 3–254 characters without spaces, quotes or angle brackets');
    if (input.password.length < MIN_PASSWORD_LENGTH) throw new UserError('invalid_password', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    if (input.type !== 'customer' && input.type !== 'admin') throw new UserError('invalid_type', 'type must be customer or admin');
    const repos = peopleRepos(this.#rt);
    if (await repos.users.findByUsername(username)) throw new UserError('duplicate', `user ${username} already exists`);
    const now = epochSeconds(this.#rt.clock);
    const row: UserRow = {
      id: newId(), username, name: input.name?.trim() || username, type: input.type,
      password_hash: await hashPassword(input.password, this.#cfg.scrypt), disabled: 0, created_at: now, updated_at: now,
    };
    await repos.users.insert(row);
    this.#rt.audit.record({ time: now, action: 'user.created', outcome: 'success', subject: row.id, detail: { type: row.type } });
    return userInfo(row);
  }

  /**
   * The user when the password matches and the account is enabled; otherwise undefined.
   * Unknown names still cost one scrypt so timing does not reveal which names exist.
   */
  async verify(username: string, password: string): Promise<UserRow | undefined> {
    return this.checkPassword(await this.findByUsername(username), password);
  }

  /** As `verify`, for the row the caller already read by name (undefined: an unknown name). */
  async checkPassword(row: UserRow | undefined, password: string): Promise<UserRow | undefined> {
    if (!row) {
      this.#dummyHash ??= hashPassword('not-a-real-password', this.#cfg.scrypt);
      await verifyPassword(password, await this.#dummyHash);
      return undefined;
    }
    const ok = await verifyPassword(password, row.password_hash);
    if (!ok || row.disabled) return undefined;
    if (needsRehash(row.password_hash, this.#cfg.scrypt)) {
      await peopleRepos(this.#rt).users.update(row.id, { password_hash: await hashPassword(password, this.#cfg.scrypt), updated_at: epochSeconds(this.#rt.clock) });
    }
    return row;
  }

  async find(id: string): Promise<UserRow | undefined> {
    return peopleRepos(this.#rt).users.find(id);
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return peopleRepos(this.#rt).users.findByUsername(normalizeUsername(username));
  }

  async list(): Promise<UserInfo[]> {
    return (await peopleRepos(this.#rt).users.list()).map(userInfo);
  }

  /**
   * Disables an account: its sessions end at once and every token issued for it is
   * refused from now on (a subject revocation reaches the gateways through the bus).
   */
  async disable(usernameOrId: string): Promise<UserInfo> {
    const repos = peopleRepos(this.#rt);
    const row = (await repos.users.findByUsername(normalizeUsername(usernameOrId))) ?? (await repos.users.find(usernameOrId));
    if (!row) throw new UserError('not_found', `no user ${usernameOrId}`);
    const now = epochSeconds(this.#rt.clock);
    await repos.users.update(row.id, { disabled: 1, updated_at: now });
    await repos.sessions.deleteForUser(row.id);
    await this.#rt.revocation.revokeSubject(row.id);
    this.#rt.audit.record({ time: now, action: 'user.disabled', outcome: 'success', subject: row.id });
    return userInfo({ ...row, disabled: 1 });
  }
}
