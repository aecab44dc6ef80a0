import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { randomToken } from '../../platform/ids.ts';
import type { Runtime } from '../../runtime.ts';
import type { SessionRow } from '../../store/sessions.ts';
import { peopleRepos } from '../users/people-repos.ts';
import type { UsersConfig } from '../users/users-config.ts';
import { csrfToken } from './csrf.ts';

export interface Session {
  /** The cookie value (secret); only its hash is stored. */
  token: string;
  row: SessionRow;
  csrf: string;
}

/** What randomToken(32) makes: 32 bytes, base64url. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Last-seen writes are skipped when the previous one is this recent (seconds). */
const TOUCH_EVERY = 60;

/**
 * Browser sessions: an opaque cookie (HttpOnly, SameSite=Lax, Secure and __Host- over
 * https), a new value at every sign-in, idle and absolute timeouts, logout.
 */
export class SessionManager {
  readonly #rt: Runtime;
  readonly #cfg: UsersConfig['session'];
  readonly cookieName: string;
  readonly #secure: boolean;

  constructor(rt: Runtime, cfg: UsersConfig['session']) {
    this.#rt = rt;
    this.#cfg = cfg;
    this.#secure = new URL(rt.config.issuer).protocol === 'https:';
    this.cookieName = this.#secure ? '__Host-deputy_session' : 'deputy_session';
  }

  /** The current session, or undefined when absent, unknown or timed out. */
  async load(request: FastifyRequest): Promise<Session | undefined> {
    const token = request.cookies[this.cookieName];
    if (!token || token.length > 100) return undefined;
    const repos = peopleRepos(this.#rt);
    const idHash = sha256(token);
    const row = await repos.sessions.find(idHash);
    if (!row) return undefined;
    const now = epochSeconds(this.#rt.clock);
    if (row.expires_at <= now || row.last_seen_at + this.#cfg.idleTimeout <= now) {
      await repos.sessions.delete(idHash);
      return undefined;
    }
    if (now - row.last_seen_at >= TOUCH_EVERY) {
      await repos.sessions.touch(idHash, now);
      row.last_seen_at = now;
    }
    return { token, row, csrf: csrfToken(token) };
  }

  /**
   * The current session; else a signed-out one from the cookie, or with a new cookie.
   * Signed-out sessions are never stored: they exist only to carry the login form's CSRF
   * token (an HMAC of the cookie value), so anonymous visits cannot fill the database.
   */
  async ensure(request: FastifyRequest, reply: FastifyReply): Promise<Session> {
    const current = await this.forForm(request);
    if (current) return current;
    const token = randomToken(32);
    reply.setCookie(this.cookieName, token, this.#cookieOptions());
    return this.#signedOut(token);
  }

  /** For checking a signed-out form's CSRF token: the stored session, else the cookie's signed-out one. */
  async forForm(request: FastifyRequest): Promise<Session | undefined> {
    const stored = await this.load(request);
    if (stored) return stored;
    const token = request.cookies[this.cookieName];
    return token && TOKEN_SHAPE.test(token) ? this.#signedOut(token) : undefined;
  }

  #signedOut(token: string): Session {
    const now = epochSeconds(this.#rt.clock);
    return { token, csrf: csrfToken(token), row: { id_hash: sha256(token), user_id: null, auth_time: null, created_at: now, last_seen_at: now, expires_at: now + this.#cfg.absoluteTimeout } };
  }

  /** Sign-in: the old session ends and a new value is issued (no session fixation). */
  async login(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<Session> {
    await this.#end(request);
    return this.#create(reply, userId);
  }

  async logout(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.#end(request);
    reply.clearCookie(this.cookieName, this.#cookieOptions());
  }

  async #end(request: FastifyRequest): Promise<void> {
    const token = request.cookies[this.cookieName];
    if (token && token.length <= 100) await peopleRepos(this.#rt).sessions.delete(sha256(token));
  }

  async #create(reply: FastifyReply, userId: string): Promise<Session> {
    const token = randomToken(32);
    const now = epochSeconds(this.#rt.clock);
    const row: SessionRow = { id_hash: sha256(token), user_id: userId, auth_time: now, created_at: now, last_seen_at: now, expires_at: now + this.#cfg.absoluteTimeout };
    await peopleRepos(this.#rt).sessions.insert(row);
    reply.setCookie(this.cookieName, token, this.#cookieOptions());
    return { token, row, csrf: csrfToken(token) };
  }

  #cookieOptions() {
    return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: this.#secure };
  }
}
