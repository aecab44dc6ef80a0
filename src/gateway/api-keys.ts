import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { sha256 } from '../crypto/hash.ts';
import { randomToken } from '../platform/ids.ts';

// API keys: opaque bearer credentials `dpk_<id>_<secret>`. The store keeps the SHA-256
// of the whole key (never the key); the gateway looks keys up by that hash, caches the
// answer briefly (`cacheSeconds`, which bounds how long a revoked key keeps working on a
// gateway), and treats expired or revoked keys as invalid tokens.

export const API_KEY_PREFIX = 'dpk_';

interface ApiKeysTable {
  id: string;
  key_hash: string;
  name: string;
  client_id: string;
  subject: string | null;
  user_type: string;
  scope: string;
  acl: string;
  resources: string;
  rate_limit: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}
interface Db { api_keys: ApiKeysTable }

export interface ApiKeyRecord {
  id: string;
  name: string;
  clientId: string;
  subject: string | undefined;
  userType: 'customer' | 'admin' | 'integration' | 'agent';
  scope: string;
  acl: string[];
  resources: string[];
  rateLimit: string | undefined;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | undefined;
}

export interface NewApiKey {
  name: string;
  clientId: string;
  subject?: string;
  userType?: ApiKeyRecord['userType'];
  scope: string;
  acl?: string[];
  resources?: string[];
  rateLimit?: string;
  /** Lifetime in seconds (required: keys always expire). */
  ttl: number;
}

function toRecord(r: ApiKeysTable): ApiKeyRecord {
  return {
    id: r.id, name: r.name, clientId: r.client_id, subject: r.subject ?? undefined, userType: r.user_type as ApiKeyRecord['userType'],
    scope: r.scope, acl: JSON.parse(r.acl) as string[], resources: JSON.parse(r.resources) as string[], rateLimit: r.rate_limit ?? undefined,
    createdAt: Number(r.created_at), expiresAt: Number(r.expires_at), revokedAt: r.revoked_at === null ? undefined : Number(r.revoked_at),
  };
}

export class ApiKeyStore {
  readonly #db: Kysely<Db>;
  readonly #cache: LRUCache<string, { rec: ApiKeyRecord | null; until: number }>;
  readonly #cacheSeconds: number;

  constructor(db: Kysely<unknown>, opts: { cacheSeconds?: number; cacheMax?: number } = {}) {
    this.#db = db as unknown as Kysely<Db>;
    this.#cacheSeconds = opts.cacheSeconds ?? 10;
    this.#cache = new LRUCache({ max: opts.cacheMax ?? 10_000 });
  }

  /** Creates a key; the only time the key itself is ever visible. */
  async create(k: NewApiKey, now: number): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!Number.isInteger(k.ttl) || k.ttl <= 0) throw new Error('api key ttl must be a positive integer');
    const id = randomToken(9);
    const key = `${API_KEY_PREFIX}${id}_${randomToken(32)}`;
    const row: ApiKeysTable = {
      id, key_hash: sha256(key), name: k.name, client_id: k.clientId, subject: k.subject ?? null, user_type: k.userType ?? (k.subject ? 'customer' : 'agent'),
      scope: k.scope, acl: JSON.stringify(k.acl ?? []), resources: JSON.stringify(k.resources ?? []), rate_limit: k.rateLimit ?? null,
      created_at: now, expires_at: now + k.ttl, revoked_at: null,
    };
    await this.#db.insertInto('api_keys').values(row).execute();
    return { key, record: toRecord(row) };
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const r = await this.#db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    this.#cache.clear();
    return Number(r.numUpdatedRows) > 0;
  }

  async list(clientId?: string): Promise<ApiKeyRecord[]> {
    let q = this.#db.selectFrom('api_keys').selectAll().orderBy('created_at');
    if (clientId) q = q.where('client_id', '=', clientId);
    return (await q.execute()).map(toRecord);
  }

  /** The usable key for `key`, or undefined (unknown, expired or revoked). */
  async lookup(key: string, now: number): Promise<{ record: ApiKeyRecord; hash: string } | undefined> {
    const hash = sha256(key);
    let hit = this.#cache.get(hash);
    if (!hit || hit.until <= now) {
      const row = await this.#db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
      hit = { rec: row ? toRecord(row) : null, until: now + this.#cacheSeconds };
      this.#cache.set(hash, hit);
    }
    const rec = hit.rec;
    if (!rec || rec.revokedAt !== undefined || rec.expiresAt <= now) return undefined;
    return { record: rec, hash };
  }
}

export function isApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}
