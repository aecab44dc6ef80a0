// One protocol error type. Subclasses are named after the RFC error code; the
// `description` is public text, the `cause` is private detail for the log only.

export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  readonly description: string;
  /** Extra response headers, e.g. WWW-Authenticate for invalid_client. */
  readonly headers: Record<string, string>;

  constructor(error: string, status: number, description: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(`${error}: ${description}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.error = error;
    this.status = status;
    this.description = description;
    this.headers = options?.headers ?? {};
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

type Opts = { cause?: unknown; headers?: Record<string, string> };

export class InvalidRequest extends OAuthError {
  constructor(description: string, opts?: Opts) { super('invalid_request', 400, description, opts); }
}
export class InvalidClient extends OAuthError {
  /** The registered client the failed authentication named (set by the authenticator): for the audit log only. */
  claimedClientId: string | undefined;
  constructor(description: string, opts?: Opts) { super('invalid_client', 401, description, opts); }
}
export class InvalidGrant extends OAuthError {
  constructor(description: string, opts?: Opts) { super('invalid_grant', 400, description, opts); }
}
export class UnauthorizedClient extends OAuthError {
  constructor(description: string, opts?: Opts) { super('unauthorized_client', 400, description, opts); }
}
export class UnsupportedGrantType extends OAuthError {
  constructor(description: string, opts?: Opts) { super('unsupported_grant_type', 400, description, opts); }
}
export class InvalidScope extends OAuthError {
  constructor(description: string, opts?: Opts) { super('invalid_scope', 400, description, opts); }
}
export class InvalidTarget extends OAuthError {
  constructor(description: string, opts?: Opts) { super('invalid_target', 400, description, opts); }
}
export class UnsupportedTokenType extends OAuthError {
  constructor(description: string, opts?: Opts) { super('unsupported_token_type', 400, description, opts); }
}
export class InvalidClientMetadata extends OAuthError {
  constructor(description: string, opts?: Opts) { super('invalid_client_metadata', 400, description, opts); }
}
export class InvalidRedirectUri extends OAuthError {
  constructor(description: string, opts?: Opts) { super('invalid_redirect_uri', 400, description, opts); }
}
export class InvalidToken extends OAuthError {
  constructor(description: string, opts?: Opts) { super('invalid_token', 401, description, opts); }
}
export class AccessDenied extends OAuthError {
  constructor(description: string, opts?: Opts) { super('access_denied', 403, description, opts); }
}
export class SlowDown extends OAuthError {
  constructor(description: string, opts?: Opts) { super('slow_down', 429, description, opts); }
}
export class ServerError extends OAuthError {
  constructor(description = 'The server encountered an unexpected condition.', opts?: Opts) { super('server_error', 500, description, opts); }
}

/** RFC 9457 problem details, for non-OAuth endpoints. */
export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string;
  constructor(status: number, title: string, detail?: string, type = 'about:blank') {
    super(detail ?? title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.type = type;
  }
  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = { type: this.type, title: this.title, status: this.status };
    if (this.detail !== undefined) body.detail = this.detail;
    return body;
  }
}

/** Startup configuration error; names the exact key path. Exit code 2. */
export class ConfigError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`config: ${path}: ${message}`);
    this.path = path;
  }
}
