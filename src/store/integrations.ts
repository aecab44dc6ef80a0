import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';

// Magento compatibility tables. Secrets: consumer and token secrets are AES-GCM
// envelopes (AAD = consumer key / token hash); tokens and verifiers are SHA-256 hashes.

export type IntegrationStatus = 'inactive' | 'active' | 'revoked';

export interface MagentoIntegrationsTable {
  id: string;
  name: string;
  email: string | null;
  callback_url: string | null;
  identity_link_url: string | null;
  /** JSON list of ACL ids; ["Magento_Backend::admin"] means all. */
  resources: string;
  status: IntegrationStatus;
  consumer_key: string;
  consumer_secret_enc: string;
  /** sha256 of the oauth_verifier sent at activation; null once used. */
  verifier_hash: string | null;
  verifier_expires_at: number | null;
  created_at: number;
  updated_at: number;
  activated_at: number | null;
}

export type OAuthTokenType = 'request' | 'access';

export interface MagentoOAuthTokensTable {
  /** sha256 of the token. */
  token_hash: string;
  integration_id: string;
  type: OAuthTokenType;
  /** Envelope, AAD = token_hash. */
  secret_enc: string;
  created_at: number;
  /** Request tokens expire; access tokens live until the integration is revoked. */
  expires_at: number | null;
  /** Set once when a request token is exchanged. */
  used_at: number | null;
}

export interface MagentoLoginFailuresTable {
  user_type: string;
  /** Normalised sign-in name (unknown names are counted too). */
  username: string;
  failures: number;
  first_failure_at: number;
  locked_until: number | null;
}

export interface MagentoAdminUsersTable {
  user_id: string;
  /** Admin role name from the ACL file; null = the default role. */
  role: string | null;
  /** TOTP secret, envelope with AAD = "totp:" + user_id. */
  totp_secret_enc: string | null;
  totp_enrolled_at: number | null;
  /** Last accepted TOTP time step: codes of this step or earlier are refused (no replay). */
  totp_last_step: number | null;
  updated_at: number;
}

export type IntegrationRow = Selectable<MagentoIntegrationsTable>;
export type OAuthTokenRow = Selectable<MagentoOAuthTokensTable>;

export class IntegrationRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  async insert(row: IntegrationRow): Promise<void> {
    await this.#db.insertInto('magento_integrations').values(row).execute();
  }

  async find(id: string): Promise<IntegrationRow | undefined> {
    return this.#db.selectFrom('magento_integrations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByName(name: string): Promise<IntegrationRow | undefined> {
    return this.#db.selectFrom('magento_integrations').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async findByConsumerKey(key: string): Promise<IntegrationRow | undefined> {
    return this.#db.selectFrom('magento_integrations').selectAll().where('consumer_key', '=', key).executeTakeFirst();
  }

  async list(): Promise<IntegrationRow[]> {
    return this.#db.selectFrom('magento_integrations').selectAll().orderBy('created_at').orderBy('name').execute();
  }

  async update(id: string, patch: Partial<Omit<IntegrationRow, 'id' | 'created_at' | 'consumer_key'>>): Promise<boolean> {
    const r = await this.#db.updateTable('magento_integrations').set(patch).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Atomically takes the activation verifier (single use); false when absent, wrong or expired. */
  async consumeVerifier(id: string, verifierHash: string, now: number): Promise<boolean> {
    const r = await this.#db.updateTable('magento_integrations').set({ verifier_hash: null, verifier_expires_at: null, updated_at: now })
      .where('id', '=', id).where('verifier_hash', '=', verifierHash).where('verifier_expires_at', '>', now).where('status', '=', 'active')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}

export class OAuthTokenRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  async insert(row: OAuthTokenRow): Promise<void> {
    await this.#db.insertInto('magento_oauth_tokens').values(row).execute();
  }

  async find(tokenHash: string): Promise<OAuthTokenRow | undefined> {
    return this.#db.selectFrom('magento_oauth_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /** Marks an unused request token used: exactly one concurrent exchange wins. */
  async consumeRequestToken(tokenHash: string, now: number): Promise<boolean> {
    const r = await this.#db.updateTable('magento_oauth_tokens').set({ used_at: now })
      .where('token_hash', '=', tokenHash).where('type', '=', 'request').where('used_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteForIntegration(integrationId: string, type?: OAuthTokenType): Promise<number> {
    let q = this.#db.deleteFrom('magento_oauth_tokens').where('integration_id', '=', integrationId);
    if (type) q = q.where('type', '=', type);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async purgeExpired(now: number): Promise<void> {
    await this.#db.deleteFrom('magento_oauth_tokens').where('type', '=', 'request').where('expires_at', '<=', now).execute();
  }
}
