import { epochSeconds, type Clock } from '../../platform/clock.ts';
import { randomToken } from '../../platform/ids.ts';
import type { SigningKeys } from '../../crypto/signing-keys.ts';

// Magento token-service tokens as RFC 9068 JWTs (typ at+jwt) signed with Deputy's keys,
// so the gateway verifies them like any access token. `token_kind` tells them apart;
// `client_id` names the token service; `sub` is the Deputy user id.

export const CUSTOMER_TOKEN_CLIENT = 'magento-customer-token';
export const ADMIN_TOKEN_CLIENT = 'magento-admin-token';

export type MagentoUserType = 'customer' | 'admin';

export interface MagentoTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  client_id: string;
  token_kind: 'magento_customer' | 'magento_admin';
  user_type: MagentoUserType;
  scope: string;
  customer_id?: string;
  acl?: string[];
}

export class MagentoTokenIssuer {
  readonly #keys: SigningKeys;
  readonly #clock: Clock;
  readonly #issuer: string;
  readonly #audience: string;

  constructor(opts: { keys: SigningKeys; clock: Clock; issuer: string; audience: string }) {
    this.#keys = opts.keys;
    this.#clock = opts.clock;
    this.#issuer = opts.issuer;
    this.#audience = opts.audience;
  }

  async issue(req: { userId: string; userType: MagentoUserType; ttl: number; acl?: string[] }): Promise<{ token: string; claims: MagentoTokenClaims }> {
    const iat = epochSeconds(this.#clock);
    const claims: MagentoTokenClaims = {
      iss: this.#issuer,
      sub: req.userId,
      aud: this.#audience,
      iat,
      nbf: iat,
      exp: iat + req.ttl,
      jti: randomToken(18),
      client_id: req.userType === 'customer' ? CUSTOMER_TOKEN_CLIENT : ADMIN_TOKEN_CLIENT,
      token_kind: req.userType === 'customer' ? 'magento_customer' : 'magento_admin',
      user_type: req.userType,
      scope: '',
    };
    if (req.userType === 'customer') claims.customer_id = req.userId;
    else claims.acl = req.acl ?? [];
    return { token: await this.#keys.signAsync({ typ: 'at+jwt' }, { ...claims }), claims };
  }
}
