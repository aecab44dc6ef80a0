import { randomBytes } from 'node:crypto';
import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { newId, randomToken } from '../../platform/ids.ts';
import type { Runtime } from '../../runtime.ts';
import { IntegrationRepository, OAuthTokenRepository, type IntegrationRow, type IntegrationStatus } from '../../store/integrations.ts';
import { ACL_ROOT, type AclTree } from '../acl.ts';
import type { MagentoConfig } from '../token-services/magento-config.ts';
import { checkCallbackUrl, CallbackError, postCallback, type CallbackPolicy } from './callback.ts';

// Magento integrations: an admin creates one (name, email, callback and identity-link
// URLs, ACL resources or all), activation sends the consumer credentials and a verifier
// to the callback, and the integration then runs the OAuth 1.0a handshake.

export type IntegrationErrorCode = 'invalid_input' | 'duplicate' | 'not_found' | 'callback_failed';

export class IntegrationError extends Error {
  readonly code: IntegrationErrorCode;
  constructor(code: IntegrationErrorCode, message: string, options?: { cause?: unknown }) { super(message, options); this.code = code; }
}

/** Public view of an integration: never a secret. */
export interface IntegrationInfo {
  id: string;
  name: string;
  email: string | null;
  callbackUrl: string | null;
  identityLinkUrl: string | null;
  resources: string[];
  all: boolean;
  status: IntegrationStatus;
  consumerKey: string;
  createdAt: number;
  activatedAt: number | null;
}

export interface ActivationResult {
  integration: IntegrationInfo;
  /** Where to send the admin next (identity link with oauth_consumer_key and success_call_back). */
  identityLink?: string;
  /** Without a callback URL the credentials are handed to the admin once, as Magento does. */
  credentials?: { consumerKey: string; consumerSecret: string; accessToken: string; accessTokenSecret: string };
}

export interface CreateIntegration {
  name: string;
  email?: string | undefined;
  callbackUrl?: string | undefined;
  identityLinkUrl?: string | undefined;
  /** ACL ids, or 'all'. */
  resources: string[] | 'all';
}

export function integrationInfo(row: IntegrationRow): IntegrationInfo {
  const resources = JSON.parse(row.resources) as string[];
  return {
    id: row.id, name: row.name, email: row.email, callbackUrl: row.callback_url, identityLinkUrl: row.identity_link_url,
    resources, all: resources.includes(ACL_ROOT), status: row.status, consumerKey: row.consumer_key, createdAt: row.created_at, activatedAt: row.activated_at,
  };
}

/** 32 lowercase hex characters, like Magento's consumer keys and secrets. */
const credential = () => randomBytes(16).toString('hex');

export class IntegrationService {
  readonly #rt: Runtime;
  readonly #cfg: MagentoConfig;
  readonly #acl: AclTree;
  readonly repo: IntegrationRepository;
  readonly tokens: OAuthTokenRepository;
  /** Tests replace the resolver to simulate DNS answers. */
  callbackPolicy: CallbackPolicy;

  constructor(opts: { rt: Runtime; cfg: MagentoConfig; acl: AclTree }) {
    this.#rt = opts.rt;
    this.#cfg = opts.cfg;
    this.#acl = opts.acl;
    this.repo = new IntegrationRepository(opts.rt.store.db);
    this.tokens = new OAuthTokenRepository(opts.rt.store.db);
    const i = opts.cfg.integrations;
    this.callbackPolicy = { allowlist: i.callbackAllowlist, allowPrivate: i.allowLoopbackCallbacks, timeoutMs: i.callbackTimeoutMs };
  }

  #now(): number { return epochSeconds(this.#rt.clock); }

  async create(input: CreateIntegration, actor?: string): Promise<IntegrationInfo> {
    const name = input.name.trim();
    if (!/^[^\x00-\x1f<>]{1,255}$/.test(name)) throw new IntegrationError('invalid_input', 'name must be 1–255 characters without control characters or angle brackets');
    if (input.email !== undefined && input.email !== '' && !/^[^\s@<>]+@[^\s@<>]+$/.test(input.email)) throw new IntegrationError('invalid_input', 'email is not an email address');
    for (const [field, value] of [['callback URL', input.callbackUrl], ['identity link URL', input.identityLinkUrl]] as const) {
      if (value) { try { checkCallbackUrl(value); } catch (err) { throw new IntegrationError('invalid_input', `${field}: ${(err as Error).message}`); } }
    }
    const resources = input.resources === 'all' ? [ACL_ROOT] : [...new Set(input.resources)];
    if (resources.length === 0) throw new IntegrationError('invalid_input', 'choose at least one resource, or all');
    const unknown = resources.filter((r) => !this.#acl.has(r));
    if (unknown.length) throw new IntegrationError('invalid_input', `unknown ACL resource ${unknown.join(', ')}`);
    if (await this.repo.findByName(name)) throw new IntegrationError('duplicate', `an integration named ${name} already exists`);
    const now = this.#now();
    const consumerKey = credential();
    const row: IntegrationRow = {
      id: newId(), name, email: input.email || null, callback_url: input.callbackUrl || null, identity_link_url: input.identityLinkUrl || null,
      resources: JSON.stringify(resources), status: 'inactive', consumer_key: consumerKey,
      consumer_secret_enc: this.#rt.envelope.encrypt(credential(), consumerKey),
      verifier_hash: null, verifier_expires_at: null, created_at: now, updated_at: now, activated_at: null,
    };
    await this.repo.insert(row);
    this.#audit('magento.integration.created', row, actor);
    return integrationInfo(row);
  }

  async list(): Promise<IntegrationInfo[]> {
    return (await this.repo.list()).map(integrationInfo);
  }

  async find(idOrName: string): Promise<IntegrationRow> {
    const row = (await this.repo.find(idOrName)) ?? (await this.repo.findByName(idOrName)) ?? (await this.repo.findByConsumerKey(idOrName));
    if (!row) throw new IntegrationError('not_found', `no integration ${idOrName}`);
    return row;
  }

  consumerSecret(row: IntegrationRow): string {
    return this.#rt.envelope.decryptString(row.consumer_secret_enc, row.consumer_key);
  }

  /**
   * Activates (or re-authorizes) an integration. With a callback URL: a fresh verifier
   * and the consumer credentials are POSTed there; on failure the integration keeps its
   * previous state. Without one: an access token is made at once and returned once.
   */
  async activate(idOrName: string, actor?: string, successCallback?: string): Promise<ActivationResult> {
    const row = await this.find(idOrName);
    const now = this.#now();
    const secret = this.consumerSecret(row);
    if (!row.callback_url) {
      await this.tokens.deleteForIntegration(row.id);
      const access = await this.issueToken(row, 'access', null);
      await this.repo.update(row.id, { status: 'active', activated_at: now, updated_at: now, verifier_hash: null, verifier_expires_at: null });
      const active = { ...row, status: 'active' as const, activated_at: now };
      this.#audit('magento.integration.activated', active, actor, { callback: false });
      return { integration: integrationInfo(active), credentials: { consumerKey: row.consumer_key, consumerSecret: secret, accessToken: access.token, accessTokenSecret: access.secret } };
    }
    const verifier = randomToken(24);
    await this.repo.update(row.id, { status: 'active', activated_at: now, updated_at: now, verifier_hash: sha256(verifier), verifier_expires_at: now + this.#cfg.integrations.verifierTtl });
    try {
      await postCallback(row.callback_url, {
        store_base_url: this.#cfg.integrations.storeBaseUrl,
        oauth_consumer_key: row.consumer_key,
        oauth_consumer_secret: secret,
        oauth_verifier: verifier,
      }, this.callbackPolicy);
    } catch (err) {
      await this.repo.update(row.id, { status: row.status, activated_at: row.activated_at, updated_at: now, verifier_hash: row.verifier_hash, verifier_expires_at: row.verifier_expires_at });
      const code = err instanceof CallbackError ? err.code : 'error';
      this.#audit('magento.integration.activation_failed', row, actor, { reason: code }, 'failure');
      throw new IntegrationError('callback_failed', err instanceof CallbackError ? err.message : 'the callback failed', { cause: err });
    }
    const active = { ...row, status: 'active' as const, activated_at: now };
    this.#audit('magento.integration.activated', active, actor, { callback: true });
    const result: ActivationResult = { integration: integrationInfo(active) };
    if (row.identity_link_url) {
      const link = new URL(row.identity_link_url);
      link.searchParams.set('oauth_consumer_key', row.consumer_key);
      if (successCallback) link.searchParams.set('success_call_back', successCallback);
      result.identityLink = link.toString();
    }
    return result;
  }

  /** Ends an integration: its tokens stop working at once. */
  async revoke(idOrName: string, actor?: string): Promise<IntegrationInfo> {
    const row = await this.find(idOrName);
    const now = this.#now();
    await this.repo.update(row.id, { status: 'revoked', updated_at: now, verifier_hash: null, verifier_expires_at: null });
    const removed = await this.tokens.deleteForIntegration(row.id);
    const revoked = { ...row, status: 'revoked' as const };
    this.#audit('magento.integration.revoked', revoked, actor, { tokens: removed });
    return integrationInfo(revoked);
  }

  /** A new token of the integration; the secret is stored encrypted (AAD = token hash). */
  async issueToken(row: IntegrationRow, type: 'request' | 'access', expiresAt: number | null): Promise<{ token: string; secret: string }> {
    const token = credential();
    const secret = credential();
    const hash = sha256(token);
    await this.tokens.insert({ token_hash: hash, integration_id: row.id, type, secret_enc: this.#rt.envelope.encrypt(secret, hash), created_at: this.#now(), expires_at: expiresAt, used_at: null });
    return { token, secret };
  }

  tokenSecret(tokenHash: string, sealed: string): string {
    return this.#rt.envelope.decryptString(sealed, tokenHash);
  }

  /** The expanded ACL ids an integration holds (descendants included). */
  aclOf(row: IntegrationRow): string[] {
    return this.#acl.expand(JSON.parse(row.resources) as string[]);
  }

  #audit(action: string, row: IntegrationRow, actor: string | undefined, detail: Record<string, unknown> = {}, outcome: 'success' | 'failure' = 'success'): void {
    this.#rt.audit.record({ time: this.#now(), action, outcome, clientId: row.consumer_key, subject: actor, detail: { integration: row.id, name: row.name, ...detail } });
  }
}
