// OAuth 1.0a problems with Magento's names, codes (Magento\Framework\Oauth\OauthInterface)
// and HTTP statuses. Callers branch on `problem`, never on the message.

import { MagentoError } from '../errors.ts';

export const OAUTH1_PROBLEMS = {
  version_rejected: { code: 1, status: 400, message: 'OAuth version %1 is not supported.' },
  parameter_absent: { code: 2, status: 400, message: 'The "%1" parameter is missing. Add the parameter and try again.' },
  parameter_rejected: { code: 3, status: 400, message: 'The "%1" parameter is invalid. Verify the parameter and try again.' },
  timestamp_refused: { code: 4, status: 400, message: 'The timestamp is out of the accepted range.' },
  nonce_used: { code: 5, status: 401, message: 'The nonce is already being used by the consumer with ID %1.' },
  signature_method_rejected: { code: 6, status: 400, message: 'Signature method %1 is not supported.' },
  signature_invalid: { code: 7, status: 401, message: 'The signature is invalid. Verify and try again.' },
  consumer_key_rejected: { code: 8, status: 401, message: 'A consumer having the specified key does not exist.' },
  token_used: { code: 9, status: 401, message: 'The token is already being used.' },
  token_expired: { code: 10, status: 401, message: 'The token has expired.' },
  token_revoked: { code: 11, status: 401, message: 'The token has been revoked.' },
  token_rejected: { code: 12, status: 401, message: "A token with the specified ID doesn't exist. Verify the token and try again." },
  verifier_invalid: { code: 13, status: 401, message: 'The verifier is invalid. Verify and try again.' },
} as const;

export type OAuth1Problem = keyof typeof OAUTH1_PROBLEMS;

export class OAuth1Error extends MagentoError {
  readonly problem: OAuth1Problem;
  readonly code: number;
  /** Magento's message template (also `message`); its %1 value is in `parameters` (never a secret). */
  readonly template: string;

  constructor(problem: OAuth1Problem, parameter?: string) {
    const p = OAUTH1_PROBLEMS[problem];
    super(p.status, p.message, parameter === undefined ? [] : [parameter]);
    this.problem = problem;
    this.code = p.code;
    this.template = p.message;
  }

  /** The OAuth Problem Reporting body Magento's /oauth/* endpoints send (form-encoded). */
  toFormBody(): string {
    const params = new URLSearchParams({ oauth_problem: this.problem });
    const absent = (this.parameters as string[])[0];
    if (this.problem === 'parameter_absent' && absent) params.set('oauth_parameters_absent', absent);
    return params.toString();
  }

  /** Magento's web API body for signed REST calls, with the problem's code and name. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code, problem: this.problem };
  }
}
