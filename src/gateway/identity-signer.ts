import { createECDH, createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { signCompact } from '../crypto/jws.ts';
import { randomToken } from '../platform/ids.ts';
import type { Principal } from './filter.ts';

// The internal identity token (docs/internal-identity.md), signed with the gateway's
// own ES256 key. The key is derived from the master key (HKDF, fixed label), so every
// gateway process sharing DEPUTY_MASTER_KEY signs with the same key and an upstream can
// verify tokens from any of them; nothing is stored, and rotating the master key
// rotates it. The public half is served at /.well-known/deputy-gateway-jwks.json.

const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const LABEL = 'deputy gateway identity key v1';

/** Deterministic P-256 private key from input keying material. */
export function deriveIdentityKey(masterKey: Buffer): KeyObject {
  for (let counter = 0; ; counter++) {
    const d = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `${LABEL} ${counter}`, 32));
    const n = BigInt(`0x${d.toString('hex')}`);
    if (n === 0n || n >= P256_N) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const pub = ecdh.getPublicKey();
    return createPrivateKey({
      format: 'jwk',
      key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33, 65).toString('base64url') },
    });
  }
}

export class IdentitySigner {
  readonly #key: KeyObject;
  readonly kid: string;
  readonly jwks: string;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #cache = new LRUCache<string, { token: string; renewAt: number }>({ max: 10_000 });

  constructor(key: KeyObject, opts: { ttl: number; now: () => number }) {
    this.#key = key;
    this.#ttl = opts.ttl;
    this.#now = opts.now;
    const pub = createPublicKey(key).export({ format: 'jwk' });
    this.kid = createHash('sha256').update(JSON.stringify({ crv: pub.crv, kty: pub.kty, x: pub.x, y: pub.y })).digest('base64url');
    this.jwks = JSON.stringify({ keys: [{ ...pub, kid: this.kid, alg: 'ES256', use: 'sig' }] });
  }

  /** A token for `audience`; reused for the same credential (or for guests) until half its lifetime. */
  mint(p: Principal | undefined, audience: string): string {
    const now = this.#now();
    // Guests share one token per audience; callers one per credential.
    const cacheKey = p ? (p.credentialHash ? `${audience} ${p.credentialHash}` : undefined) : `${audience} anonymous`;
    if (cacheKey) {
      const hit = this.#cache.get(cacheKey);
      if (hit && hit.renewAt > now) return hit.token;
    }
    const claims: Record<string, unknown> & { exp: number } = {
      iss: 'deputy-gateway', aud: audience, iat: now, exp: now + this.#ttl, jti: randomToken(16),
      sub: p ? p.sub : 'anonymous',
      user_type: p ? p.userType : 'guest',
    };
    if (p) {
      claims.auth_method = p.authMethod;
      claims.client_id = p.clientId;
      claims.scope = p.scope;
      if (p.customerId !== undefined) claims.customer_id = p.customerId;
      if (p.acl.length) claims.acl = p.acl;
      if (p.act !== undefined) claims.act = p.act;
    }
    const token = signCompact('ES256', this.kid, this.#key, { typ: 'deputy-identity+jwt' }, claims);
    if (cacheKey) this.#cache.set(cacheKey, { token, renewAt: now + Math.floor(this.#ttl / 2) });
    return token;
  }
}
