import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { request } from 'undici';

interface Entry { getKey: JWTVerifyGetKey; fetchedAt: number }

/**
 * Fetches clients' jwks_uri documents with a timeout and a size limit, caches them,
 * and refetches at most once per `minRefetchMs` when a key id is unknown (key
 * rotation on the client's side). One fetch per URI at a time.
 */
export class JwksUriCache {
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #ttlMs: number;
  readonly #minRefetchMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<Entry>>();

  constructor(opts: { timeoutMs: number; maxBytes: number; ttlMs?: number; minRefetchMs?: number }) {
    this.#timeoutMs = opts.timeoutMs;
    this.#maxBytes = opts.maxBytes;
    this.#ttlMs = opts.ttlMs ?? 300_000;
    this.#minRefetchMs = opts.minRefetchMs ?? 30_000;
  }

  async #fetch(uri: string): Promise<Entry> {
    const res = await request(uri, {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json' },
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`jwks_uri answered ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > this.#maxBytes) {
        res.body.destroy();
        throw new Error('jwks_uri document is too large');
      }
      chunks.push(chunk as Buffer);
    }
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JSONWebKeySet;
    if (!doc || !Array.isArray(doc.keys)) throw new Error('jwks_uri did not return a JWK Set');
    const entry = { getKey: createLocalJWKSet(doc), fetchedAt: Date.now() };
    this.#entries.set(uri, entry);
    return entry;
  }

  #load(uri: string): Promise<Entry> {
    let p = this.#inflight.get(uri);
    if (!p) {
      p = this.#fetch(uri).finally(() => this.#inflight.delete(uri));
      this.#inflight.set(uri, p);
    }
    return p;
  }

  /** Key resolver for jose.jwtVerify over the client's published keys. */
  resolver(uri: string): JWTVerifyGetKey {
    return async (header, token) => {
      let entry = this.#entries.get(uri);
      if (!entry || Date.now() - entry.fetchedAt > this.#ttlMs) entry = await this.#load(uri);
      try {
        return await entry.getKey(header, token);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY' || Date.now() - entry.fetchedAt < this.#minRefetchMs) throw err;
        return (await this.#load(uri)).getKey(header, token);
      }
    };
  }
}
