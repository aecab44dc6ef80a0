import { normalizeUsername, type UserService } from '../../auth/users/user-service.ts';
import { epochSeconds } from '../../platform/clock.ts';
import type { Runtime } from '../../runtime.ts';
import type { UserRow } from '../../store/users.ts';
import type { AclTree } from '../acl.ts';
import type { AdminProfileRepository } from '../totp/admin-repository.ts';
import type { TotpService } from '../totp/totp-service.ts';
import { MagentoAuthError, missingFields, signInFailed, TFA_INVALID_CODE, TFA_NOT_CONFIGURED, USE_2FA_ENDPOINT } from './errors.ts';
import type { TokenLockout } from './lockout.ts';
import type { MagentoConfig } from './magento-config.ts';
import { ADMIN_TOKEN_CLIENT, CUSTOMER_TOKEN_CLIENT, type MagentoTokenIssuer, type MagentoUserType } from './token-issuer.ts';

export interface TokenServiceDeps {
  rt: Runtime;
  cfg: MagentoConfig;
  acl: AclTree;
  users: UserService;
  lockout: TokenLockout;
  issuer: MagentoTokenIssuer;
  totp: TotpService;
  admins: AdminProfileRepository;
}

function fields(body: unknown, names: string[]): Record<string, string> {
  const b = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const missing = names.filter((n) => typeof b[n] !== 'string' || b[n] === '');
  if (missing.length) throw missingFields(missing);
  return Object.fromEntries(names.map((n) => [n, b[n] as string]));
}

/**
 * Magento's token services: customer and admin tokens for a username and password,
 * admin tokens behind TOTP, lockout per (username, user type), and revocation of
 * everything a user was issued before now.
 */
export class MagentoTokenService {
  readonly #d: TokenServiceDeps;
  constructor(deps: TokenServiceDeps) { this.#d = deps; }

  /** POST /V1/integration/customer/token */
  async customerToken(body: unknown): Promise<string> {
    const f = fields(body, ['username', 'password']);
    const user = await this.#signIn('customer', f.username!, f.password!);
    return this.#issue(user, 'customer');
  }

  /** POST /V1/integration/admin/token: refused with Magento's 2FA message when TOTP is on. */
  async adminToken(body: unknown): Promise<string> {
    const f = fields(body, ['username', 'password']);
    const user = await this.#signIn('admin', f.username!, f.password!, !this.#d.cfg.adminTotp);
    if (this.#d.cfg.adminTotp) {
      this.#audit('magento.token.refused', user.id, 'admin', 'totp_required');
      throw new MagentoAuthError(401, USE_2FA_ENDPOINT, 'totp_required');
    }
    return this.#issue(user, 'admin');
  }

  /** POST /V1/tfa/provider/google/authenticate with {username, password, otp}. */
  async adminTokenWithTotp(body: unknown): Promise<string> {
    const f = fields(body, ['username', 'password', 'otp']);
    const user = await this.#signIn('admin', f.username!, f.password!, false);
    const result = await this.#d.totp.check(user.id, f.otp!);
    if (result === 'not_enrolled') {
      this.#audit('magento.token.refused', user.id, 'admin', 'totp_not_enrolled');
      throw new MagentoAuthError(401, TFA_NOT_CONFIGURED, 'totp_not_enrolled');
    }
    if (result === 'invalid') {
      await this.#d.lockout.fail('admin', normalizeUsername(f.username!), this.#now());
      this.#audit('magento.token.refused', user.id, 'admin', 'totp_invalid');
      throw new MagentoAuthError(401, TFA_INVALID_CODE, 'totp_invalid');
    }
    await this.#d.lockout.reset('admin', normalizeUsername(f.username!));
    return this.#issue(user, 'admin');
  }

  /** The ACL ids an admin's tokens carry (their role, descendants included). */
  async adminAcl(userId: string): Promise<string[]> {
    const profile = await this.#d.admins.find(userId);
    const role = profile?.role ?? this.#d.cfg.defaultAdminRole;
    const granted = this.#d.acl.roles.get(role);
    // A role that left the ACL file grants nothing (fail closed).
    return granted ? this.#d.acl.expand(granted) : [];
  }

  /**
   * Revokes every token issued to the user before now (Magento's "revoke tokens"): a
   * subject revocation, kept until the longest-lived token could expire, published so
   * gateways apply it at once.
   */
  async revokeUserTokens(user: UserRow, actor?: string): Promise<{ before: number; exp: number }> {
    const { before: now, exp } = await this.#d.rt.revocation.revokeSubject(user.id);
    this.#d.rt.audit.record({ time: now, action: 'magento.tokens.revoked', outcome: 'success', subject: user.id, detail: { userType: user.type, ...(actor ? { actor } : {}) } });
    return { before: now, exp };
  }

  async #signIn(type: MagentoUserType, username: string, password: string, resetOnSuccess = true): Promise<UserRow> {
    const name = normalizeUsername(username);
    const now = this.#now();
    if (await this.#d.lockout.lockedFor(type, name, now) > 0) {
      this.#audit('magento.token.refused', undefined, type, 'locked', { username: name });
      throw signInFailed('locked');
    }
    const user = await this.#d.users.verify(name, password);
    if (!user || user.type !== type) {
      const locked = await this.#d.lockout.fail(type, name, now);
      this.#audit('magento.token.refused', user?.id, type, locked ? 'bad_credentials_locked' : 'bad_credentials', { username: name });
      throw signInFailed('bad_credentials');
    }
    if (resetOnSuccess) await this.#d.lockout.reset(type, name);
    return user;
  }

  async #issue(user: UserRow, type: MagentoUserType): Promise<string> {
    const ttl = type === 'customer' ? this.#d.cfg.tokens.customerTtl : this.#d.cfg.tokens.adminTtl;
    const acl = type === 'admin' ? await this.adminAcl(user.id) : undefined;
    const { token, claims } = await this.#d.issuer.issue({ userId: user.id, userType: type, ttl, ...(acl ? { acl } : {}) });
    this.#audit('magento.token.issued', user.id, type, undefined, { jti: claims.jti, exp: claims.exp });
    return token;
  }

  #now(): number { return epochSeconds(this.#d.rt.clock); }

  #audit(action: string, subject: string | undefined, userType: string, reason?: string, detail: Record<string, unknown> = {}): void {
    this.#d.rt.audit.record({
      time: this.#now(), action, outcome: action.endsWith('issued') ? 'success' : 'failure',
      clientId: userType === 'customer' ? CUSTOMER_TOKEN_CLIENT : ADMIN_TOKEN_CLIENT,
      ...(subject ? { subject } : {}), ...(reason ? { reason } : {}), detail: { userType, ...detail },
    });
  }
}
