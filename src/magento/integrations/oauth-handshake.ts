import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import type { Runtime } from '../../runtime.ts';
import type { IntegrationRow } from '../../store/integrations.ts';
import { OAuth1Error, verifyOAuth1Request, type NonceStore, type OAuth1Request } from '../oauth1/index.ts';
import type { MagentoConfig } from '../token-services/magento-config.ts';
import type { IntegrationService } from './integration-service.ts';

// The integration side of OAuth 1.0a (Magento's /oauth/token/request and /access), and
// the check the gateway runs on signed API calls. Verification is src/magento/oauth1;
// this supplies the lookups: consumers of active integrations, and their own tokens only.

export interface OAuth1Principal {
  integrationId: string;
  consumerKey: string;
  /** ACL ids of the integration, descendants included. */
  acl: string[];
}

export class OAuthHandshake {
  readonly #rt: Runtime;
  readonly #cfg: MagentoConfig;
  readonly #integrations: IntegrationService;
  readonly #nonces: NonceStore;

  constructor(opts: { rt: Runtime; cfg: MagentoConfig; integrations: IntegrationService; nonces: NonceStore }) {
    this.#rt = opts.rt;
    this.#cfg = opts.cfg;
    this.#integrations = opts.integrations;
    this.#nonces = opts.nonces;
  }

  #now(): number { return epochSeconds(this.#rt.clock); }

  async #consumer(key: string): Promise<IntegrationRow | undefined> {
    const row = await this.#integrations.repo.findByConsumerKey(key);
    return row?.status === 'active' ? row : undefined;
  }

  /** Verifies with the lookups; `tokenType` selects which of the consumer's tokens count. */
  async #verify(req: OAuth1Request, tokenType: 'request' | 'access' | undefined): Promise<{ row: IntegrationRow; token: string | undefined; oauth: Record<string, string> }> {
    let row: IntegrationRow | undefined;
    const now = this.#now();
    const v = await verifyOAuth1Request(req, {
      findConsumer: async (key) => {
        row = await this.#consumer(key);
        return row ? { secret: this.#integrations.consumerSecret(row) } : undefined;
      },
      findToken: async (token) => {
        if (!row || !tokenType) return undefined;
        const hash = sha256(token);
        const t = await this.#integrations.tokens.find(hash);
        if (!t || t.integration_id !== row.id || t.type !== tokenType) return undefined;
        if (t.expires_at !== null && t.expires_at <= now) return undefined;
        return { secret: this.#integrations.tokenSecret(hash, t.secret_enc) };
      },
      nonces: this.#nonces,
      now,
      requireToken: tokenType !== undefined,
      allowHmacSha1: this.#cfg.oauth1.allowHmacSha1,
      timestampWindow: this.#cfg.oauth1.timestampWindow,
    });
    return { row: row!, token: v.token, oauth: v.oauth };
  }

  /**
   * POST /oauth/token/request: signed with the consumer credentials only. Allowed while
   * the activation verifier is pending; replaces any earlier request token.
   */
  async requestToken(req: OAuth1Request): Promise<{ token: string; secret: string }> {
    const { row } = await this.#verify(req, undefined);
    if (!row.verifier_hash || (row.verifier_expires_at ?? 0) <= this.#now()) throw new OAuth1Error('consumer_key_rejected');
    await this.#integrations.tokens.deleteForIntegration(row.id, 'request');
    const t = await this.#integrations.issueToken(row, 'request', this.#now() + this.#cfg.integrations.requestTokenTtl);
    this.#audit('magento.oauth.request_token', row);
    return t;
  }

  /**
   * POST /oauth/token/access: signed with the request token, carrying the verifier sent
   * at activation. Verifier and request token are single use; the new access token
   * replaces any earlier one.
   */
  async accessToken(req: OAuth1Request): Promise<{ token: string; secret: string }> {
    const { row, token, oauth } = await this.#verify(req, 'request');
    const verifier = oauth.oauth_verifier;
    if (!verifier) throw new OAuth1Error('parameter_absent', 'oauth_verifier');
    const now = this.#now();
    if (!(await this.#integrations.repo.consumeVerifier(row.id, sha256(verifier), now))) {
      this.#audit('magento.oauth.access_token', row, 'failure', 'verifier_invalid');
      throw new OAuth1Error('verifier_invalid');
    }
    if (!(await this.#integrations.tokens.consumeRequestToken(sha256(token!), now))) throw new OAuth1Error('token_used');
    await this.#integrations.tokens.deleteForIntegration(row.id, 'access');
    const t = await this.#integrations.issueToken(row, 'access', null);
    await this.#integrations.tokens.deleteForIntegration(row.id, 'request');
    this.#audit('magento.oauth.access_token', row);
    return t;
  }

  /**
   * Authenticates a signed API call (for the gateway's authenticate filter): RFC 5849
   * signature with the consumer secret and the integration's access token secret.
   * Throws OAuth1Error with Magento's problem names.
   */
  async authenticateOAuth1ApiCall(req: OAuth1Request): Promise<OAuth1Principal> {
    const { row } = await this.#verify(req, 'access');
    return this.#principal(row);
  }

  /**
   * An access token used as a bare bearer token (Magento's "Allow OAuth Access Tokens to
   * be used as standalone Bearer tokens"); undefined unless magento.integrations.bearerAccessTokens.
   */
  async findBearerAccessToken(token: string): Promise<OAuth1Principal | undefined> {
    if (!this.#cfg.integrations.bearerAccessTokens || token.length > 255) return undefined;
    const t = await this.#integrations.tokens.find(sha256(token));
    if (!t || t.type !== 'access') return undefined;
    const row = await this.#integrations.repo.find(t.integration_id);
    if (row?.status !== 'active') return undefined;
    return this.#principal(row);
  }

  #principal(row: IntegrationRow): OAuth1Principal {
    return { integrationId: row.id, consumerKey: row.consumer_key, acl: this.#integrations.aclOf(row) };
  }

  #audit(action: string, row: IntegrationRow, outcome: 'success' | 'failure' = 'success', reason?: string): void {
    this.#rt.audit.record({ time: this.#now(), action, outcome, clientId: row.consumer_key, reason, detail: { integration: row.id } });
  }
}
