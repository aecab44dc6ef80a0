import { createHash } from 'node:crypto';
import { createPublicKey, type KeyObject, type JsonWebKey } from 'node:crypto';
import type { SigningAlgorithm } from '../config/schema.ts';
import { epochSeconds, type Clock } from '../platform/clock.ts';
import type { SigningKeyRepository, SigningKeyRow } from '../store/signing-keys.ts';
import type { Envelope } from './envelope.ts';
import type { SignerPool } from './signer-pool.ts';
import { decodeCompact, exportJwk, generateKeyPair, importPrivateJwk, signCompact, signingInput, verifyInput } from './jws.ts';

export interface PublicJwk extends JsonWebKey { kid: string; alg: string; use: 'sig' }

interface LoadedKey {
  row: SigningKeyRow;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
}

export type KeyState = 'pending' | 'active' | 'retiring' | 'expired';

export interface KeyInfo {
  kid: string;
  alg: string;
  state: KeyState;
  createdAt: number;
  activatesAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
}

export class KeyError extends Error {
  readonly code: string;
  constructor(code: string, message: string) { super(message); this.code = code; }
}

/** RFC 7638 thumbprint: a stable, content-derived key id. */
function thumbprint(jwk: JsonWebKey): string {
  const members: Record<string, unknown> = jwk.kty === 'EC'
    ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
    : jwk.kty === 'OKP' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/**
 * Signing keys and their life cycle:
 *   pending (published, not signing) → active (signing) → retiring (published until
 *   every token it signed has expired) → expired (gone from JWKS).
 * Times live in the store, so every process derives the same state from the clock.
 */
export class SigningKeys {
  readonly #repo: SigningKeyRepository;
  readonly #envelope: Envelope;
  readonly #clock: Clock;
  readonly #alg: SigningAlgorithm;
  readonly #activationDelay: number;
  /** Longest lifetime of any token these keys sign; how long a retired key stays published. */
  readonly #maxTokenLifetime: number;
  readonly #signer: SignerPool | undefined;
  #keys: LoadedKey[] = [];
  /** Kids (and states) last handed to the signer threads: only changes are sent again. */
  #signerKids = '';
  #jwksCache: { at: number; body: string } | undefined;

  constructor(opts: { repo: SigningKeyRepository; envelope: Envelope; clock: Clock; algorithm: SigningAlgorithm; activationDelay: number; maxTokenLifetime: number; signer?: SignerPool | undefined }) {
    this.#signer = opts.signer;
    this.#repo = opts.repo;
    this.#envelope = opts.envelope;
    this.#clock = opts.clock;
    this.#alg = opts.algorithm;
    this.#activationDelay = opts.activationDelay;
    this.#maxTokenLifetime = opts.maxTokenLifetime;
  }

  get maxTokenLifetime(): number { return this.#maxTokenLifetime; }

  /**
   * Reads keys from the store (every process reloads periodically to see rotations);
   * keys already decrypted are kept, so a reload decrypts only new ones. Creates the
   * first key when there is none.
   */
  async load(): Promise<void> {
    const rows = await this.#repo.all();
    const known = new Map(this.#keys.map((k) => [k.row.kid, k]));
    this.#keys = rows.map((row) => {
      const k = known.get(row.kid);
      return k ? { ...k, row } : this.#decode(row);
    });
    this.#jwksCache = undefined;
    this.#syncSigner();
    if (!this.#signingKey()) {
      await this.#create(epochSeconds(this.#clock));
      await this.load();
    }
  }

  #decode(row: SigningKeyRow): LoadedKey {
    const jwk = JSON.parse(this.#envelope.decryptString(row.private_jwk_enc, row.kid)) as JsonWebKey;
    const privateKey = importPrivateJwk(jwk);
    return { row, privateKey, publicKey: createPublicKey(privateKey), publicJwk: JSON.parse(row.public_jwk) as PublicJwk };
  }

  #syncSigner(): void {
    if (!this.#signer) return;
    const usable = this.#keys.filter((k) => this.stateOf(k.row) !== 'expired');
    const kids = usable.map((k) => k.row.kid).join(' ');
    if (kids === this.#signerKids) return;
    this.#signerKids = kids;
    this.#signer.setKeys(usable.map((k) => ({ kid: k.row.kid, alg: k.row.alg, jwk: exportJwk(k.privateKey) })));
  }

  async #create(activatesAt: number, alg: SigningAlgorithm = this.#alg): Promise<SigningKeyRow> {
    const { privateKey, publicKey } = generateKeyPair(alg);
    const pub = exportJwk(publicKey);
    const kid = thumbprint(pub);
    const publicJwk: PublicJwk = { ...pub, kid, alg, use: 'sig' };
    const row: SigningKeyRow = {
      kid,
      alg,
      public_jwk: JSON.stringify(publicJwk),
      private_jwk_enc: this.#envelope.encrypt(JSON.stringify(exportJwk(privateKey)), kid),
      created_at: epochSeconds(this.#clock),
      activates_at: activatesAt,
      retired_at: null,
      expires_at: null,
    };
    await this.#repo.insert(row);
    return row;
  }

  stateOf(row: SigningKeyRow, now = epochSeconds(this.#clock)): KeyState {
    if (row.expires_at !== null && row.expires_at <= now) return 'expired';
    if (row.activates_at > now) return 'pending';
    if (row.retired_at !== null && row.retired_at <= now) return 'retiring';
    return 'active';
  }

  #signingKey(now = epochSeconds(this.#clock)): LoadedKey | undefined {
    let best: LoadedKey | undefined;
    for (const k of this.#keys) {
      if (this.stateOf(k.row, now) !== 'active') continue;
      if (!best || k.row.activates_at > best.row.activates_at) best = k;
    }
    return best;
  }

  #keyFor(payload: { exp: number }): LoadedKey {
    const now = epochSeconds(this.#clock);
    const key = this.#signingKey(now);
    if (!key) throw new KeyError('no_signing_key', 'no active signing key');
    if (payload.exp - now > this.#maxTokenLifetime) throw new KeyError('lifetime_too_long', 'token lifetime exceeds the key retention window');
    return key;
  }

  /** Signs a JWT with the current key. Refuses lifetimes the JWKS retention does not cover. */
  sign(header: Record<string, unknown>, payload: Record<string, unknown> & { exp: number }): string {
    const key = this.#keyFor(payload);
    return signCompact(key.row.alg, key.row.kid, key.privateKey, header, payload);
  }

  /**
   * As `sign`, for request paths: the signature is made on the signer threads when there
   * are any (`keys.signerThreads`), else on the event loop.
   */
  async signAsync(header: Record<string, unknown>, payload: Record<string, unknown> & { exp: number }): Promise<string> {
    const key = this.#keyFor(payload);
    if (!this.#signer) return signCompact(key.row.alg, key.row.kid, key.privateKey, header, payload);
    const input = signingInput(key.row.alg, key.row.kid, header, payload);
    return `${input}.${await this.#signer.sign(key.row.kid, input)}`;
  }

  /**
   * Verifies a compact JWS signed by one of our published keys and returns its parts;
   * undefined when malformed, from an unknown or withdrawn key, or badly signed. The
   * algorithm comes from the key, never from the token.
   */
  verify(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
    const jws = decodeCompact(token);
    if (!jws) return undefined;
    const key = this.#keys.find((k) => k.row.kid === jws.header.kid);
    if (!key || this.stateOf(key.row) === 'expired' || jws.header.alg !== key.row.alg) return undefined;
    if (!verifyInput(key.row.alg, key.publicKey, jws.signingInput, jws.signature)) return undefined;
    return { header: jws.header, payload: jws.payload };
  }

  /** The JWKS document body (published keys), cached for a second. */
  jwks(): string {
    const now = epochSeconds(this.#clock);
    if (this.#jwksCache && this.#jwksCache.at === now) return this.#jwksCache.body;
    const keys = this.#keys.filter((k) => this.stateOf(k.row, now) !== 'expired').map((k) => k.publicJwk);
    const body = JSON.stringify({ keys });
    this.#jwksCache = { at: now, body };
    return body;
  }

  list(): KeyInfo[] {
    const now = epochSeconds(this.#clock);
    return this.#keys.map(({ row }) => ({
      kid: row.kid, alg: row.alg, state: this.stateOf(row, now), createdAt: row.created_at,
      activatesAt: row.activates_at, retiredAt: row.retired_at, expiresAt: row.expires_at,
    }));
  }

  /**
   * Publishes a new key now, makes it sign after `delay` seconds, and schedules the
   * current key to stop signing at that moment and to leave JWKS once its tokens expire.
   */
  async rotate(opts: { delay?: number; algorithm?: SigningAlgorithm } = {}): Promise<KeyInfo> {
    await this.load();
    const now = epochSeconds(this.#clock);
    const pending = this.#keys.find((k) => this.stateOf(k.row, now) === 'pending');
    if (pending) throw new KeyError('rotation_pending', `key ${pending.row.kid} is already waiting to activate at ${new Date(pending.row.activates_at * 1000).toISOString()}`);
    const activatesAt = now + (opts.delay ?? this.#activationDelay);
    const current = this.#signingKey(now);
    const row = await this.#create(activatesAt, opts.algorithm);
    if (current) await this.#repo.update(current.row.kid, { retired_at: activatesAt, expires_at: activatesAt + this.#maxTokenLifetime + 60 });
    await this.load();
    return this.list().find((k) => k.kid === row.kid)!;
  }

  /**
   * Stops a key signing now. `immediately` also removes it from JWKS, so tokens it
   * signed stop verifying (for a compromised key). Retiring the signing key activates
   * a pending key at once, or a fresh one.
   */
  async retire(kid: string, opts: { immediately?: boolean } = {}): Promise<void> {
    await this.load();
    const now = epochSeconds(this.#clock);
    const key = this.#keys.find((k) => k.row.kid === kid);
    if (!key) throw new KeyError('unknown_key', `no key ${kid}`);
    const wasSigning = this.#signingKey(now)?.row.kid === kid;
    await this.#repo.update(kid, { retired_at: key.row.retired_at !== null ? Math.min(key.row.retired_at, now) : now, expires_at: opts.immediately ? now : now + this.#maxTokenLifetime + 60, activates_at: Math.min(key.row.activates_at, now) });
    if (wasSigning) {
      const pending = this.#keys.find((k) => k.row.kid !== kid && this.stateOf(k.row, now) === 'pending');
      if (pending) await this.#repo.update(pending.row.kid, { activates_at: now });
      else await this.#create(now);
    }
    await this.load();
  }

  /** Deletes keys that left JWKS; returns how many. */
  async purge(): Promise<number> {
    const now = epochSeconds(this.#clock);
    const gone = this.#keys.filter((k) => this.stateOf(k.row, now) === 'expired');
    for (const k of gone) await this.#repo.delete(k.row.kid);
    await this.load();
    return gone.length;
  }
}
