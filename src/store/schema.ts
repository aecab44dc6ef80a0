import type { Generated } from 'kysely';
import type { MagentoAdminUsersTable, MagentoIntegrationsTable, MagentoLoginFailuresTable, MagentoOAuthTokensTable } from './integrations.ts';

// Table types for Kysely. Times are epoch seconds; flags are 0/1; JSON as text.
// Secret values are never stored: only SHA-256 hashes or AES-GCM ciphertexts.

export interface ClientsTable {
  client_id: string;
  /** RFC 7591 metadata as JSON (client_name, grant_types, redirect_uris, jwks, …). */
  metadata: string;
  secret_hash: string | null;
  secret_expires_at: number | null;
  previous_secret_hash: string | null;
  previous_secret_expires_at: number | null;
  registration_token_hash: string | null;
  /** 'cli' | 'dcr' — who created it. */
  created_by: string;
  created_at: number;
  updated_at: number;
  disabled: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  /** Private JWK, AES-256-GCM under the master key, AAD = kid. */
  private_jwk_enc: string;
  created_at: number;
  /** When it starts signing (published in JWKS from created_at). */
  activates_at: number;
  /** When it stopped signing; null while it may sign. */
  retired_at: number | null;
  /** When its public key leaves JWKS (after every token it signed has expired). */
  expires_at: number | null;
}

export interface RevocationsTable {
  /** 'jti' | 'grant' | 'subject' */
  kind: string;
  value: string;
  /** When the entry can be forgotten (the revoked tokens' latest exp). */
  exp: number;
  created_at: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  time: number;
  request_id: string | null;
  action: string;
  outcome: string;
  client_id: string | null;
  subject: string | null;
  reason: string | null;
  /** JSON of extra, non-secret fields. */
  detail: string | null;
}

export interface AssertionJtisTable {
  /** sha256(client_id + ' ' + jti) */
  key: string;
  exp: number;
}

export interface InitialAccessTokensTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
  /** Remaining registrations; null = unlimited until expiry. */
  uses_left: number | null;
  note: string | null;
}

export interface Database {
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  revocations: RevocationsTable;
  audit_events: AuditEventsTable;
  assertion_jtis: AssertionJtisTable;
  initial_access_tokens: InitialAccessTokensTable;
  magento_integrations: MagentoIntegrationsTable;
  magento_oauth_tokens: MagentoOAuthTokensTable;
  magento_login_failures: MagentoLoginFailuresTable;
  magento_admin_users: MagentoAdminUsersTable;
}
