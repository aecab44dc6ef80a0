import type { FastifyRequest } from 'fastify';
import type { Client } from '../clients/client-service.ts';
import type { FormParams } from '../request/form.ts';
import type { AuthServices } from '../services.ts';

export interface TokenRequest {
  services: AuthServices;
  client: Client;
  /** Only the parameters the grant declared. */
  params: FormParams;
  request: FastifyRequest;
}

/** RFC 6749 §5.1 successful response body. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer' | 'DPoP' | 'N_A';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  issued_token_type?: string;
  [extra: string]: unknown;
}

/** What the audit log records about a successful issuance. */
export interface IssuanceRecord {
  subject: string;
  detail: Record<string, unknown>;
}

/**
 * One grant type. `validate` only reads; `issue` is the only phase that writes,
 * so a refused request never leaves a partial write behind.
 */
export interface Grant<V = unknown> {
  grantType: string;
  /** Parameters the grant accepts besides grant_type and client authentication. */
  parameters: readonly string[];
  validate(req: TokenRequest): Promise<V>;
  issue(req: TokenRequest, validated: V): Promise<{ response: TokenResponse; audit: IssuanceRecord }>;
}
