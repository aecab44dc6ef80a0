import { createPublicKey, type JsonWebKey, type KeyObject, type webcrypto } from 'node:crypto';
import { request } from 'undici';
import type { Logger } from '../platform/logger.ts';

// The issuer's keys by kid. Refreshed in the background; an unknown kid triggers one
// shared refetch at most every `minRefetchInterval` seconds; when the issuer is
// unreachable the keys already known keep working (stale beats an outage).

export interface VerificationKey {
  kid: string;
  /** The JWK's `alg` when it names one; a token must then use exactly it. */
  alg: string | undefined;
  kty: string;
  crv: string | undefined;
  key: KeyObject;
  /** WebCrypto form, made on first use when verification runs on the thread pool. */
  cryptoKey?: Promise<webcrypto.CryptoKey>;
}

export interface JwksCacheOptions {
  uri: string;
  refreshInterval: number;
  minRefetchInterval: number;
  timeoutMs: number;
  maxBytes: number;
  log: Logger;
  now?: () => number;
  onRefresh?: (outcome: 'ok' | 'error') => void;
}

export class JwksCache {
  readonly #opts: JwksCacheOptions;
  #keys = new Map<string, VerificationKey>();
  #lastAttempt = -Infinity;
  #inflight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  loaded = false;

  constructor(opts: JwksCacheOptions) { this.#opts = opts; }

  #now(): number { return this.#opts.now ? this.#opts.now() : Date.now(); }

  start(): void {
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#opts.refreshInterval * 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#retry) clearTimeout(this.#retry);
    this.#timer = undefined;
  }

  /** A known key, synchronously (the hot path). */
  peek(kid: string): VerificationKey | undefined { return this.#keys.get(kid); }

  /** Looks a kid up, refetching once (rate-limited, shared) when it is unknown. */
  async get(kid: string): Promise<VerificationKey | undefined> {
    const k = this.#keys.get(kid);
    if (k) return k;
    if (!this.#inflight && this.#now() - this.#lastAttempt < this.#opts.minRefetchInterval * 1000) return undefined;
    await this.refresh();
    return this.#keys.get(kid);
  }

  /** Single flight: concurrent callers share one fetch. */
  refresh(): Promise<void> {
    this.#inflight ??= this.#fetch().finally(() => { this.#inflight = undefined; });
    return this.#inflight;
  }

  async #fetch(): Promise<void> {
    this.#lastAttempt = this.#now();
    try {
      const res = await request(this.#opts.uri, { method: 'GET', headers: { accept: 'application/json' }, headersTimeout: this.#opts.timeoutMs, bodyTimeout: this.#opts.timeoutMs });
      if (res.statusCode !== 200) { await res.body.dump(); throw new Error(`JWKS answered ${res.statusCode}`); }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of res.body) {
        size += (c as Buffer).length;
        if (size > this.#opts.maxBytes) { res.body.destroy(); throw new Error('JWKS document too large'); }
        chunks.push(c as Buffer);
      }
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { keys?: unknown };
      if (!Array.isArray(doc.keys)) throw new Error('JWKS has no keys array');
      this.#keys = parseKeys(doc.keys as JsonWebKey[], this.#opts.log);
      this.loaded = true;
      this.#opts.onRefresh?.('ok');
    } catch (err) {
      this.#opts.onRefresh?.('error');
      // Until the first success (the issuer may start after us), retry every 2 s.
      if (!this.loaded && this.#timer && !this.#retry) {
        this.#retry = setTimeout(() => { this.#retry = undefined; void this.refresh(); }, 2000);
        this.#retry.unref();
      }
      this.#opts.log.warn({ err: (err as Error).message, uri: this.#opts.uri, known: this.#keys.size }, 'gateway: JWKS fetch failed; keeping the keys already known');
    }
  }
}

function parseKeys(jwks: JsonWebKey[], log: Logger): Map<string, VerificationKey> {
  const out = new Map<string, VerificationKey>();
  for (const jwk of jwks) {
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kid !== 'string' || typeof jwk.kty !== 'string') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if ('d' in jwk || 'p' in jwk || 'k' in jwk) continue; // never private or symmetric material
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      out.set(jwk.kid, { kid: jwk.kid, alg: typeof jwk.alg === 'string' ? jwk.alg : undefined, kty: jwk.kty, crv: typeof jwk.crv === 'string' ? jwk.crv : undefined, key });
    } catch (err) {
      log.warn({ kid: jwk.kid, err: (err as Error).message }, 'gateway: skipped an unusable JWK');
    }
  }
  return out;
}
