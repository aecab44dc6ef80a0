import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../../config/schema.ts';
import { safeEqualHash, sha256 } from '../../crypto/hash.ts';
import { epochSeconds, type Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/event-bus.ts';
import { prefixedToken, randomToken } from '../../platform/ids.ts';
import type { ClientRepository, ClientRow } from '../../store/clients.ts';
import { validateClientMetadata, type ClientMetadata } from './metadata.ts';

export interface Client {
  clientId: string;
  metadata: ClientMetadata;
  row: ClientRow;
}

export interface CreatedClient {
  client: Client;
  /** Shown once; only its hash is stored. */
  clientSecret?: string;
  registrationAccessToken?: string;
}

interface CreateOptions { createdBy: 'cli' | 'dcr'; registrationToken?: boolean; clientId?: string }

export class ClientNotFound extends Error {
  readonly code = 'client_not_found';
}

/**
 * Clients: create, read (cached briefly), update, rotate secrets, delete. Secrets and
 * registration access tokens are returned once and stored as SHA-256 hashes.
 */
export class ClientService {
  readonly #repo: ClientRepository;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #auth: AuthConfig;
  // Token requests read the client on every call; a short cache spares the store.
  readonly #cache = new LRUCache<string, Client>({ max: 10_000, ttl: 5_000 });

  constructor(opts: { repo: ClientRepository; clock: Clock; bus: EventBus; auth: AuthConfig }) {
    this.#repo = opts.repo;
    this.#clock = opts.clock;
    this.#bus = opts.bus;
    this.#auth = opts.auth;
    this.#bus.subscribe((e) => { if (e.type === 'client.changed') this.#cache.delete(e.clientId); });
  }

  validate(input: Record<string, unknown>): ClientMetadata {
    return validateClientMetadata(input, this.#auth);
  }

  async create(input: Record<string, unknown>, opts: CreateOptions): Promise<CreatedClient> {
    return this.createValidated(this.validate(input), opts);
  }

  /** As `create`, for metadata that `validate` has already checked. */
  async createValidated(metadata: ClientMetadata, opts: CreateOptions): Promise<CreatedClient> {
    const now = epochSeconds(this.#clock);
    const clientId = opts.clientId ?? `agt_${randomToken(16)}`;
    const confidential = metadata.token_endpoint_auth_method === 'client_secret_basic' || metadata.token_endpoint_auth_method === 'client_secret_post';
    const clientSecret = confidential ? prefixedToken('dps', 32) : undefined;
    const registrationAccessToken = opts.registrationToken ? prefixedToken('drt', 32) : undefined;
    const row: ClientRow = {
      client_id: clientId,
      metadata: JSON.stringify(metadata),
      secret_hash: clientSecret ? sha256(clientSecret) : null,
      secret_expires_at: null,
      previous_secret_hash: null,
      previous_secret_expires_at: null,
      registration_token_hash: registrationAccessToken ? sha256(registrationAccessToken) : null,
      created_by: opts.createdBy,
      created_at: now,
      updated_at: now,
      disabled: 0,
    };
    await this.#repo.insert(row);
    const out: CreatedClient = { client: { clientId, metadata, row } };
    if (clientSecret) out.clientSecret = clientSecret;
    if (registrationAccessToken) out.registrationAccessToken = registrationAccessToken;
    return out;
  }

  async get(clientId: string): Promise<Client | undefined> {
    if (clientId.length === 0 || clientId.length > 200) return undefined;
    const hit = this.#cache.get(clientId);
    if (hit) return hit;
    const row = await this.#repo.find(clientId);
    if (!row) return undefined;
    const client = { clientId, metadata: JSON.parse(row.metadata) as ClientMetadata, row };
    this.#cache.set(clientId, client);
    return client;
  }

  async list(): Promise<Client[]> {
    return (await this.#repo.list()).map((row) => ({ clientId: row.client_id, metadata: JSON.parse(row.metadata) as ClientMetadata, row }));
  }

  async #changed(clientId: string): Promise<void> {
    this.#cache.delete(clientId);
    await this.#bus.publish({ type: 'client.changed', clientId });
  }

  /** Replaces the metadata (RFC 7592 PUT semantics). A secret is created if the new method needs one. */
  async update(clientId: string, input: Record<string, unknown>): Promise<CreatedClient> {
    const current = await this.get(clientId);
    if (!current) throw new ClientNotFound(clientId);
    const metadata = this.validate(input);
    const needsSecret = metadata.token_endpoint_auth_method === 'client_secret_basic' || metadata.token_endpoint_auth_method === 'client_secret_post';
    const patch: Partial<ClientRow> = { metadata: JSON.stringify(metadata), updated_at: epochSeconds(this.#clock) };
    let clientSecret: string | undefined;
    if (needsSecret && !current.row.secret_hash) {
      clientSecret = prefixedToken('dps', 32);
      patch.secret_hash = sha256(clientSecret);
    } else if (!needsSecret) {
      Object.assign(patch, { secret_hash: null, previous_secret_hash: null, previous_secret_expires_at: null });
    }
    await this.#repo.update(clientId, patch);
    await this.#changed(clientId);
    const client = (await this.get(clientId))!;
    return clientSecret ? { client, clientSecret } : { client };
  }

  async setDisabled(clientId: string, disabled: boolean): Promise<void> {
    if (!(await this.#repo.update(clientId, { disabled: disabled ? 1 : 0, updated_at: epochSeconds(this.#clock) }))) throw new ClientNotFound(clientId);
    await this.#changed(clientId);
  }

  /**
   * New secret now; the previous one keeps working for `overlap` seconds so agents
   * can be redeployed without downtime, then stops.
   */
  async rotateSecret(clientId: string, overlap = this.#auth.clientAuth.secretRotationOverlap): Promise<{ clientSecret: string; previousValidUntil: number }> {
    const current = await this.get(clientId);
    if (!current) throw new ClientNotFound(clientId);
    if (!current.row.secret_hash) throw new Error(`client ${clientId} does not use a client secret`);
    const now = epochSeconds(this.#clock);
    const clientSecret = prefixedToken('dps', 32);
    await this.#repo.update(clientId, {
      secret_hash: sha256(clientSecret),
      previous_secret_hash: current.row.secret_hash,
      previous_secret_expires_at: now + overlap,
      updated_at: now,
    });
    await this.#changed(clientId);
    return { clientSecret, previousValidUntil: now + overlap };
  }

  async delete(clientId: string): Promise<void> {
    if (!(await this.#repo.delete(clientId))) throw new ClientNotFound(clientId);
    await this.#changed(clientId);
  }

  /** Constant-time check against the current secret and, during the overlap, the previous one. */
  checkSecret(client: Client, secret: string): boolean {
    const now = epochSeconds(this.#clock);
    const h = sha256(secret);
    const row = client.row;
    const current = row.secret_hash !== null && (row.secret_expires_at === null || row.secret_expires_at > now) && safeEqualHash(h, row.secret_hash);
    const previous = row.previous_secret_hash !== null && row.previous_secret_expires_at !== null && row.previous_secret_expires_at > now && safeEqualHash(h, row.previous_secret_hash);
    return current || previous;
  }

  checkRegistrationToken(client: Client, token: string): boolean {
    return client.row.registration_token_hash !== null && safeEqualHash(sha256(token), client.row.registration_token_hash);
  }

  /** RFC 7591 §3.2.1 response body (without secrets, which callers add once). */
  describe(client: Client): Record<string, unknown> {
    return {
      client_id: client.clientId,
      client_id_issued_at: client.row.created_at,
      ...client.metadata,
      ...(client.row.secret_hash ? { client_secret_expires_at: client.row.secret_expires_at ?? 0 } : {}),
    };
  }
}
