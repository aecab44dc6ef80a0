import { MagentoError, type MagentoParameters } from '../errors.ts';

// The token services' refusals: Magento's body plus a reason for logs and metrics.

export class MagentoAuthError extends MagentoError {
  /** Extra top-level members, e.g. Magento's `errors` list for input exceptions. */
  readonly extra: Record<string, unknown>;
  /** For logs and metrics only. */
  readonly reason: string;
  constructor(status: number, message: string, reason: string, parameters: MagentoParameters = [], extra: Record<string, unknown> = {}) {
    super(status, message, parameters);
    this.extra = extra;
    this.reason = reason;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...this.extra };
  }
}

export const SIGN_IN_FAILED = 'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.';
export const USE_2FA_ENDPOINT = 'Please use the 2fa provider-specific endpoints to obtain a token.';
export const TFA_NOT_CONFIGURED = 'You need to configure Two-Factor Authorization in order to proceed with your request.';
export const TFA_INVALID_CODE = 'Invalid code.';
export const REQUIRED_FIELD = '"%fieldName" is required. Enter and try again.';

export function signInFailed(reason: string): MagentoAuthError {
  return new MagentoAuthError(401, SIGN_IN_FAILED, reason);
}

/** Magento's InputException for missing fields: one entry per field under `errors`. */
export function missingFields(fields: string[]): MagentoAuthError {
  if (fields.length === 1) return new MagentoAuthError(400, REQUIRED_FIELD, 'missing_field', { fieldName: fields[0]! });
  return new MagentoAuthError(400, 'One or more input exceptions have occurred.', 'missing_field', [], {
    errors: fields.map((f) => ({ message: REQUIRED_FIELD, parameters: { fieldName: f } })),
  });
}
