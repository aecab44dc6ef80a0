import type { EventBus } from '../../platform/event-bus.ts';
import { epochSeconds, type Clock } from '../../platform/clock.ts';
import type { RevocationKind, RevocationRepository } from '../../store/revocations.ts';

/**
 * The revocation list for JWT access tokens, shared by every role through the Runtime.
 * An entry lives until the tokens it covers have expired; every entry is also published
 * so gateways drop the tokens at once. Kinds: one token (`jti`), every token of a grant
 * (`grant`), every token of a subject issued before the entry (`subject`).
 */
export class RevocationService {
  readonly #repo: RevocationRepository;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #maxTokenLifetime: number;

  constructor(opts: { repo: RevocationRepository; bus: EventBus; clock: Clock; maxTokenLifetime: number }) {
    this.#repo = opts.repo;
    this.#bus = opts.bus;
    this.#clock = opts.clock;
    this.#maxTokenLifetime = opts.maxTokenLifetime;
  }

  async revokeJti(jti: string, exp: number): Promise<void> {
    await this.#repo.add('jti', jti, exp, epochSeconds(this.#clock));
    await this.#bus.publish({ type: 'token.revoked', jti, exp });
  }

  /** Ends every access token of a grant (exp: the latest any of them can live to). */
  async revokeGrant(grantId: string, exp: number): Promise<void> {
    await this.#repo.add('grant', grantId, exp, epochSeconds(this.#clock));
    await this.#bus.publish({ type: 'grant.revoked', grantId, exp });
  }

  /**
   * Ends every token issued to `sub` up to now, this second included (Magento's "revoke
   * tokens", a disabled account). Tokens issued in a later second are unaffected; the entry lasts as long as the
   * longest-lived token could.
   */
  async revokeSubject(sub: string): Promise<{ before: number; exp: number }> {
    const now = epochSeconds(this.#clock);
    const exp = now + Math.max(this.#maxTokenLifetime, 1);
    await this.#repo.add('subject', sub, exp, now);
    await this.#bus.publish({ type: 'subject.revoked', sub, before: now, exp });
    return { before: now, exp };
  }

  /** Is a token with these claims revoked, by jti, grant or subject? One store round trip. */
  async isRevoked(claims: { jti?: unknown; grant_id?: unknown; sub?: unknown; iat?: unknown }): Promise<boolean> {
    const pairs: Array<readonly [RevocationKind, string]> = [];
    if (typeof claims.jti === 'string') pairs.push(['jti', claims.jti]);
    if (typeof claims.grant_id === 'string') pairs.push(['grant', claims.grant_id]);
    if (typeof claims.sub === 'string') pairs.push(['subject', claims.sub]);
    const rows = await this.#repo.matching(pairs, epochSeconds(this.#clock));
    const iat = typeof claims.iat === 'number' ? claims.iat : 0;
    // The gateway's rule too: a subject entry covers tokens issued up to and including its
    // second (times are whole seconds; failing closed beats letting that second through).
    return rows.some((r) => r.kind !== 'subject' || iat <= r.created_at);
  }
}
