// Nonces are unique per consumer for as long as their timestamp could still be accepted.
// The store is pluggable (PostgreSQL or Redis at scale); use() must be atomic.

export interface NonceStore {
  /** Records the nonce; false when this consumer already used it and it has not expired. */
  use(consumerKey: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;
}

/** In-process store with expiry, for one process (embedded mode and tests). */
export class MemoryNonceStore implements NonceStore {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  #nextPurge = 0;

  constructor(opts: { maxEntries?: number } = {}) { this.#maxEntries = opts.maxEntries ?? 1_000_000; }

  get size(): number { return this.#seen.size; }

  async use(consumerKey: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    if (now >= this.#nextPurge || this.#seen.size >= this.#maxEntries) this.#purge(now);
    // Length-prefixed so no consumer key/nonce pair can collide with another.
    const key = `${consumerKey.length}:${consumerKey}:${nonce}`;
    const exp = this.#seen.get(key);
    if (exp !== undefined && exp > now) return false;
    // Full of live nonces: refuse rather than forget one (fail closed).
    if (this.#seen.size >= this.#maxEntries) return false;
    this.#seen.set(key, expiresAt);
    return true;
  }

  #purge(now: number): void {
    for (const [k, exp] of this.#seen) if (exp <= now) this.#seen.delete(k);
    this.#nextPurge = now + 60;
  }
}
