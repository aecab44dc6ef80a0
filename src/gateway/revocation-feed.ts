import type { EventBus, DeputyEvent } from '../platform/event-bus.ts';
import type { Logger } from '../platform/logger.ts';
import type { RevocationRepository } from '../store/revocations.ts';

// Revoked jtis, grants and subjects, held in memory. Events on the bus apply at once;
// a periodic catch-up poll of the store covers messages the bus dropped (Redis pub/sub
// is at-most-once). Entries leave memory when the tokens they cover expire.
// Subject rows in the store carry `before` as created_at (tokens with iat <= it: times are
// whole seconds, so a token issued in the second of the revocation is revoked too).

export interface RevocationFeedOptions {
  bus: EventBus;
  repo: RevocationRepository;
  log: Logger;
  pollInterval: number;
  /** Epoch seconds. */
  now: () => number;
  onApplied?: (kind: 'jti' | 'grant' | 'subject') => void;
}

export class RevocationFeed {
  readonly #o: RevocationFeedOptions;
  readonly #jtis = new Map<string, number>();
  readonly #grants = new Map<string, number>();
  readonly #subjects = new Map<string, { before: number; exp: number }>();
  #since = 0;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #polling: Promise<void> | undefined;

  constructor(opts: RevocationFeedOptions) { this.#o = opts; }

  async start(): Promise<void> {
    this.#unsubscribe = this.#o.bus.subscribe((e) => this.apply(e));
    await this.poll();
    this.#timer = setInterval(() => void this.poll(), this.#o.pollInterval * 1000);
    this.#timer.unref();
  }

  stop(): void {
    this.#unsubscribe?.();
    if (this.#timer) clearInterval(this.#timer);
  }

  /** A bus event: applied at once and counted. */
  apply(e: DeputyEvent): void {
    switch (e.type) {
      case 'token.revoked': this.#remember(this.#jtis, e.jti, e.exp); this.#o.onApplied?.('jti'); return;
      case 'grant.revoked': this.#remember(this.#grants, e.grantId, e.exp); this.#o.onApplied?.('grant'); return;
      case 'subject.revoked': this.#rememberSubject(e.sub, e.before, e.exp); this.#o.onApplied?.('subject'); return;
    }
  }

  #remember(map: Map<string, number>, key: string, exp: number): void {
    map.set(key, Math.max(exp, map.get(key) ?? 0));
  }

  #rememberSubject(sub: string, before: number, exp: number): void {
    const cur = this.#subjects.get(sub);
    this.#subjects.set(sub, { before: Math.max(before, cur?.before ?? 0), exp: Math.max(exp, cur?.exp ?? 0) });
  }

  /** Reads entries created since the last poll (with overlap for clock drift between writers). */
  poll(): Promise<void> {
    this.#polling ??= (async () => {
      const now = this.#o.now();
      try {
        const rows = await this.#o.repo.since(Math.max(0, this.#since - 5), now);
        for (const r of rows) {
          if (r.kind === 'jti') this.#remember(this.#jtis, r.value, r.exp);
          else if (r.kind === 'grant') this.#remember(this.#grants, r.value, r.exp);
          else if (r.kind === 'subject') this.#rememberSubject(r.value, r.created_at, r.exp);
        }
        this.#since = now;
        this.#purge(now);
      } catch (err) {
        this.#o.log.error({ err: (err as Error).message }, 'gateway: revocation poll failed; bus events still apply');
      }
    })().finally(() => { this.#polling = undefined; });
    return this.#polling;
  }

  #purge(now: number): void {
    for (const m of [this.#jtis, this.#grants]) for (const [k, exp] of m) if (exp <= now) m.delete(k);
    for (const [k, v] of this.#subjects) if (v.exp <= now) this.#subjects.delete(k);
  }

  /** The reason a token is revoked, or undefined. */
  check(t: { jti?: string | undefined; grantId?: string | undefined; sub: string; iat: number }): string | undefined {
    if (t.jti !== undefined && this.#jtis.has(t.jti)) return 'token_revoked';
    if (t.grantId !== undefined && this.#grants.has(t.grantId)) return 'grant_revoked';
    const s = this.#subjects.get(t.sub);
    if (s && t.iat <= s.before) return 'subject_revoked';
    return undefined;
  }
}
