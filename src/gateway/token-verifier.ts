import { webcrypto, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { sha256 } from '../crypto/hash.ts';
import { verifyInput } from '../crypto/jws.ts';
import type { JwksCache, VerificationKey } from './jwks-cache.ts';
import { VerifierPool } from './verifier-pool.ts';

// RFC 9068 access-token verification with node:crypto KeyObjects (synchronous, several
// times faster than WebCrypto one at a time; see docs/gateway.md for the measurement).
// The algorithm comes from the allowlist and the key, never from the token alone; jku,
// x5u, jwk and x5c headers are ignored. Verified tokens are cached by hash.

export interface AccessClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nbf?: number;
  jti?: string;
  client_id: string;
  scope?: string;
  grant_id?: string;
  act?: unknown;
  acl?: unknown;
  customer_id?: unknown;
  user_type?: unknown;
}

export interface VerifiedToken {
  claims: AccessClaims;
  hash: string;
}

/** `reason` is for logs and metrics; `description` is the public text. */
export class TokenError extends Error {
  readonly reason: string;
  readonly description: string;
  constructor(reason: string, description: string) {
    super(reason);
    this.reason = reason;
    this.description = description;
  }
}

export interface TokenVerifierOptions {
  jwks: JwksCache;
  issuer: string;
  algorithms: readonly string[];
  clockSkew: number;
  maxTokenBytes: number;
  cacheMax: number;
  cacheTtl: number;
  /** Epoch seconds. */
  now: () => number;
  onCache?: (hit: boolean) => void;
  /** `sync`: node:crypto on the event loop; `pool`: WebCrypto on the thread pool; `thread`: a verifier thread (close() ends it). */
  signatures?: 'sync' | 'pool' | 'thread';
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const TYPES = new Set(['at+jwt', 'application/at+jwt']);
const KEY_TYPES: Record<string, (k: VerificationKey) => boolean> = {
  ES256: (k) => k.kty === 'EC' && k.crv === 'P-256',
  EdDSA: (k) => k.kty === 'OKP' && k.crv === 'Ed25519',
  RS256: (k) => k.kty === 'RSA',
  PS256: (k) => k.kty === 'RSA',
};

const invalid = (reason: string, description = 'The access token is invalid.') => new TokenError(reason, description);

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* falls through */ }
  throw invalid(`malformed_${what}`);
}

const WEBCRYPTO: Record<string, { import: Parameters<KeyObject['toCryptoKey']>[0]; verify: webcrypto.AlgorithmIdentifier | webcrypto.RsaPssParams | webcrypto.EcdsaParams }> = {
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
  RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { import: { name: 'RSA-PSS', hash: 'SHA-256' }, verify: { name: 'RSA-PSS', saltLength: 32 } },
};

/** Same check on libuv's thread pool (WebCrypto): frees the event loop when tokens are fresh. */
async function checkSignatureOnPool(alg: string, key: VerificationKey, input: string, sig: Buffer): Promise<boolean> {
  const w = WEBCRYPTO[alg];
  if (!w || (alg === 'ES256' && sig.length !== 64)) return false;
  key.cryptoKey ??= Promise.resolve(key.key.toCryptoKey(w.import, false, ['verify']));
  return webcrypto.subtle.verify(w.verify, await key.cryptoKey, sig, Buffer.from(input, 'ascii'));
}

export class TokenVerifier {
  readonly #o: TokenVerifierOptions;
  readonly #cache: LRUCache<string, { claims: AccessClaims; until: number }> | undefined;
  readonly #thread: VerifierPool | undefined;

  constructor(opts: TokenVerifierOptions) {
    this.#o = opts;
    this.#cache = opts.cacheMax > 0 ? new LRUCache({ max: opts.cacheMax }) : undefined;
    this.#thread = opts.signatures === 'thread' ? new VerifierPool(1) : undefined;
  }

  /** Ends the verifier thread, if any. */
  async close(): Promise<void> {
    await this.#thread?.close();
  }

  /** Verifies a bearer token for `resource`; throws TokenError. */
  async verify(token: string, resource: string): Promise<VerifiedToken> {
    if (token.length > this.#o.maxTokenBytes) throw invalid('token_too_large');
    const hash = sha256(token);
    const now = this.#o.now();
    const hit = this.#cache?.get(hash);
    let claims: AccessClaims;
    if (hit && hit.until > now) {
      this.#o.onCache?.(true);
      claims = hit.claims; // `until` never passes exp + skew, so a hit is unexpired
    } else {
      this.#o.onCache?.(false);
      claims = await this.#verifyJws(token, now);
      this.#cache?.set(hash, { claims, until: Math.min(claims.exp + this.#o.clockSkew, now + this.#o.cacheTtl) });
    }
    const aud = claims.aud;
    if (!(aud === resource || (Array.isArray(aud) && aud.includes(resource)))) throw invalid('wrong_audience', 'The access token is not meant for this resource.');
    return { claims, hash };
  }

  /** `sig`: the base64url signature part. Where it is checked is `signatures`. */
  #checkSignature(alg: string, key: VerificationKey, input: string, sig: string): boolean | Promise<boolean> {
    if (this.#thread) return this.#thread.verify(alg, key.kid, key.key, input, sig);
    if (this.#o.signatures === 'pool') return checkSignatureOnPool(alg, key, input, Buffer.from(sig, 'base64url'));
    return verifyInput(alg, key.key, input, Buffer.from(sig, 'base64url'));
  }

  async #verifyJws(token: string, now: number): Promise<AccessClaims> {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) throw invalid('malformed_token');
    const [h, p, s] = parts as [string, string, string];
    const header = decodeJson(h, 'header');
    const alg = header.alg;
    if (typeof alg !== 'string' || !this.#o.algorithms.includes(alg)) throw invalid('alg_not_allowed');
    if (typeof header.typ !== 'string' || !TYPES.has(header.typ.toLowerCase())) throw invalid('wrong_typ');
    if (header.crit !== undefined) throw invalid('unsupported_crit');
    const kid = header.kid;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) throw invalid('bad_kid');
    const key = this.#o.jwks.peek(kid) ?? await this.#o.jwks.get(kid);
    if (!key) throw invalid('unknown_kid');
    if ((key.alg !== undefined && key.alg !== alg) || !KEY_TYPES[alg]!(key)) throw invalid('alg_key_mismatch');
    if (!(await this.#checkSignature(alg, key, `${h}.${p}`, s))) throw invalid('bad_signature');
    const c = decodeJson(p, 'payload');
    const skew = this.#o.clockSkew;
    if (c.iss !== this.#o.issuer) throw invalid('wrong_issuer');
    if (typeof c.exp !== 'number' || !Number.isFinite(c.exp)) throw invalid('missing_exp');
    if (now > c.exp + skew) throw invalid('token_expired', 'The access token expired.');
    if (c.nbf !== undefined && (typeof c.nbf !== 'number' || c.nbf > now + skew)) throw invalid('token_not_yet_valid', 'The access token is not yet valid.');
    if (typeof c.iat !== 'number' || c.iat > now + skew) throw invalid('bad_iat');
    if (typeof c.sub !== 'string' || c.sub === '') throw invalid('missing_sub');
    if (typeof c.client_id !== 'string' || c.client_id === '') throw invalid('missing_client_id');
    if (!(typeof c.aud === 'string' || (Array.isArray(c.aud) && c.aud.every((a) => typeof a === 'string')))) throw invalid('bad_aud');
    if (c.scope !== undefined && typeof c.scope !== 'string') throw invalid('bad_scope');
    if (c.jti !== undefined && typeof c.jti !== 'string') throw invalid('bad_jti');
    if (c.grant_id !== undefined && typeof c.grant_id !== 'string') throw invalid('bad_grant_id');
    return c as unknown as AccessClaims;
  }
}
