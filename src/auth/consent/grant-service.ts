import { LRUCache } from 'lru-cache';
import { epochSeconds } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { GrantRow } from '../../store/grants.ts';
import type { IssuedAccess } from '../../store/refresh-tokens.ts';
import type { AuthServices } from '../services.ts';
import { peopleRepos } from '../users/people-repos.ts';

/** The longest any access token of a grant can live: how long a grant revocation must be kept. */
export function maxAccessTtl(s: AuthServices): number {
  return Math.max(s.auth.accessTokenTtl, ...s.auth.resources.map((r) => r.accessTokenTtl));
}

export function scopeList(scope: string): string[] {
  return scope.split(' ').filter(Boolean);
}

/** "Last used" is shown to the minute; writing it more often would cost a commit per refresh. */
const LAST_USED_RESOLUTION = 60;

/** Grants: a person's remembered consent to one agent, and taking it back. */
export class GrantService {
  readonly #s: AuthServices;
  readonly #marked = new LRUCache<string, number>({ max: 100_000 });
  constructor(s: AuthServices) { this.#s = s; }

  async findActive(userId: string, clientId: string): Promise<GrantRow | undefined> {
    return peopleRepos(this.#s.rt).grants.findActive(userId, clientId);
  }

  /** Records consent to `scope`: a new grant, or the existing one extended (never narrowed). */
  async approve(userId: string, clientId: string, scope: string[]): Promise<GrantRow> {
    const repos = peopleRepos(this.#s.rt);
    const now = epochSeconds(this.#s.rt.clock);
    const existing = await repos.grants.findActive(userId, clientId);
    if (existing) {
      const merged = await repos.grants.addScopes(existing, scope, now);
      // Revoked between the read and the update: start a new grant.
      if (merged === undefined) return this.approve(userId, clientId, scope);
      return { ...existing, scope: merged, updated_at: now };
    }
    const row: GrantRow = { id: newId(), user_id: userId, client_id: clientId, scope: scope.join(' '), status: 'active', created_at: now, updated_at: now, last_used_at: null, revoked_at: null };
    // A concurrent first consent may have won: then extend that grant instead.
    if (!(await repos.grants.insertActive(row))) return this.approve(userId, clientId, scope);
    this.#s.rt.audit.record({ time: now, action: 'grant.created', outcome: 'success', clientId, subject: userId, detail: { grant_id: row.id, scope: row.scope } });
    return row;
  }

  /**
   * Ends a grant at once: its refresh tokens stop working and every access token carrying
   * its grant_id is on the revocation list (published as `grant.revoked`).
   */
  async revoke(grantId: string, opts: { status?: 'revoked' | 'broken'; actor?: string; reason?: string } = {}): Promise<boolean> {
    const repos = peopleRepos(this.#s.rt);
    const grant = await repos.grants.find(grantId);
    if (!grant) return false;
    const now = epochSeconds(this.#s.rt.clock);
    const ended = await repos.grants.end(grantId, opts.status ?? 'revoked', now);
    await repos.refreshTokens.revokeGrant(grantId);
    await this.#s.revocation.revokeGrant(grantId, now + maxAccessTtl(this.#s));
    if (ended) {
      this.#s.rt.audit.record({ time: now, action: opts.status === 'broken' ? 'grant.broken' : 'grant.revoked', outcome: 'success', clientId: grant.client_id, subject: grant.user_id, reason: opts.reason, detail: { grant_id: grantId, ...(opts.actor ? { actor: opts.actor } : {}) } });
    }
    return ended;
  }

  /** Revokes the access tokens a token family (or a code) issued. */
  async revokeIssued(issued: IssuedAccess[]): Promise<void> {
    const now = epochSeconds(this.#s.rt.clock);
    for (const a of issued) if (a.exp > now) await this.#s.revocation.revokeJti(a.jti, a.exp);
  }

  async markUsed(grantId: string): Promise<void> {
    const now = epochSeconds(this.#s.rt.clock);
    const last = this.#marked.get(grantId);
    if (last !== undefined && now - last < LAST_USED_RESOLUTION && now >= last) return;
    this.#marked.set(grantId, now);
    await peopleRepos(this.#s.rt).grants.markUsed(grantId, now);
  }
}

const cache = new WeakMap<AuthServices, GrantService>();
export function grantService(s: AuthServices): GrantService {
  let g = cache.get(s);
  if (!g) { g = new GrantService(s); cache.set(s, g); }
  return g;
}
