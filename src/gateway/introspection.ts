import { LRUCache } from 'lru-cache';
import { request } from 'undici';
import { sha256 } from '../crypto/hash.ts';
import type { Logger } from '../platform/logger.ts';

// RFC 7662 introspection for opaque access tokens (tokens of other issuers). Answers —
// active or not — are cached by the token's hash for a short time, never past the
// token's exp. An unreachable endpoint is reported as such (the caller answers 503):
// we cannot say the token is bad, and must not let it through.

export interface IntrospectionOptions {
  endpoint: string;
  clientId: string;
  clientSecret: string;
  cacheSeconds: number;
  timeoutMs: number;
  log: Logger;
  /** Epoch seconds. */
  now: () => number;
}

export interface ActiveToken {
  sub: string;
  clientId: string;
  scope: string;
  aud: string[];
  exp: number;
  iat: number;
  jti: string | undefined;
}

export class IntrospectionUnavailable extends Error {}

export class Introspector {
  readonly #o: IntrospectionOptions;
  readonly #auth: string;
  readonly #cache = new LRUCache<string, { token: ActiveToken | null; until: number }>({ max: 10_000 });

  constructor(opts: IntrospectionOptions) {
    this.#o = opts;
    // RFC 6749 §2.3.1: form-encode the credentials before Basic encoding.
    this.#auth = `Basic ${Buffer.from(`${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`).toString('base64')}`;
  }

  /** The active token, or null when the issuer says it is not active; throws IntrospectionUnavailable. */
  async introspect(token: string): Promise<{ token: ActiveToken | null; hash: string }> {
    const hash = sha256(token);
    const now = this.#o.now();
    const hit = this.#cache.get(hash);
    if (hit && hit.until > now) return { token: hit.token && hit.token.exp > now ? hit.token : null, hash };
    const answer = await this.#ask(token, now);
    this.#cache.set(hash, { token: answer, until: Math.min(now + this.#o.cacheSeconds, answer ? answer.exp : Infinity) });
    return { token: answer, hash };
  }

  async #ask(token: string, now: number): Promise<ActiveToken | null> {
    let body: Record<string, unknown>;
    try {
      const res = await request(this.#o.endpoint, {
        method: 'POST',
        headers: { authorization: this.#auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        headersTimeout: this.#o.timeoutMs, bodyTimeout: this.#o.timeoutMs,
      });
      if (res.statusCode !== 200) { await res.body.dump(); throw new Error(`introspection answered ${res.statusCode}`); }
      body = (await res.body.json()) as Record<string, unknown>;
    } catch (err) {
      this.#o.log.error({ err: (err as Error).message, endpoint: this.#o.endpoint }, 'gateway: token introspection failed');
      throw new IntrospectionUnavailable('introspection unavailable');
    }
    if (body.active !== true) return null;
    const aud = typeof body.aud === 'string' ? [body.aud] : Array.isArray(body.aud) ? body.aud.filter((a): a is string => typeof a === 'string') : [];
    const exp = typeof body.exp === 'number' ? body.exp : undefined;
    const clientId = typeof body.client_id === 'string' ? body.client_id : undefined;
    // Fail closed on answers that do not say for whom, until when and for what.
    if (exp === undefined || exp <= now || !clientId || aud.length === 0) return null;
    return {
      sub: typeof body.sub === 'string' && body.sub ? body.sub : clientId,
      clientId, aud, exp,
      scope: typeof body.scope === 'string' ? body.scope : '',
      iat: typeof body.iat === 'number' ? body.iat : now,
      jti: typeof body.jti === 'string' ? body.jti : undefined,
    };
  }
}
