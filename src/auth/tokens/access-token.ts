import type { SigningKeys } from '../../crypto/signing-keys.ts';
import { epochSeconds, type Clock } from '../../platform/clock.ts';
import { randomToken } from '../../platform/ids.ts';

export interface AccessTokenRequest {
  /** The person (user id) or, for an agent acting as itself, its client_id. */
  sub: string;
  clientId: string;
  scope: string[];
  audience: string;
  ttl: number;
  grantId?: string | undefined;
  /** RFC 8693 delegation chain. */
  act?: Record<string, unknown> | undefined;
  /** Extra non-standard claims (e.g. authorization_details). */
  extra?: Record<string, unknown> | undefined;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  iat: number;
  exp: number;
}

/** RFC 9068 JWT access tokens (`typ: at+jwt`). */
export class AccessTokenIssuer {
  readonly #keys: SigningKeys;
  readonly #issuer: string;
  readonly #clock: Clock;

  constructor(opts: { keys: SigningKeys; issuer: string; clock: Clock }) {
    this.#keys = opts.keys;
    this.#issuer = opts.issuer;
    this.#clock = opts.clock;
  }

  issue(req: AccessTokenRequest): IssuedAccessToken {
    const { payload, jti, iat, exp } = this.#claims(req);
    return { token: this.#keys.sign({ typ: 'at+jwt' }, payload), jti, iat, exp };
  }

  /** As `issue`, signing on the thread pool so the event loop keeps serving. */
  async issueAsync(req: AccessTokenRequest): Promise<IssuedAccessToken> {
    const { payload, jti, iat, exp } = this.#claims(req);
    return { token: await this.#keys.signAsync({ typ: 'at+jwt' }, payload), jti, iat, exp };
  }

  #claims(req: AccessTokenRequest): { payload: Record<string, unknown> & { exp: number }; jti: string; iat: number; exp: number } {
    const iat = epochSeconds(this.#clock);
    const exp = iat + req.ttl;
    const jti = randomToken(18);
    const payload: Record<string, unknown> & { exp: number } = {
      ...req.extra,
      iss: this.#issuer,
      sub: req.sub,
      aud: req.audience,
      exp,
      iat,
      nbf: iat,
      jti,
      client_id: req.clientId,
      scope: req.scope.join(' '),
    };
    if (req.grantId) payload.grant_id = req.grantId;
    if (req.act) payload.act = req.act;
    return { payload, jti, iat, exp };
  }
}
