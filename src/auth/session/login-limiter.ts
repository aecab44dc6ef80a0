import type { Redis } from 'ioredis';
import { FailureCounter } from '../../platform/failure-counter.ts';
import type { UserType } from '../../store/users.ts';
import type { LockoutRule, UsersConfig } from '../users/users-config.ts';

function counter(rule: LockoutRule, kind: string, redis: Redis | undefined): FailureCounter {
  return new FailureCounter({ name: `login-fail:${kind}`, max: rule.maxFailures, windowSeconds: rule.window, redis });
}

/**
 * Sign-in lockout: failures are counted per account (with the account type's rule;
 * unknown names count like customers, so lockout reveals nothing) and per client IP.
 * Shared through Redis when the deployment has it.
 */
export class LoginLimiter {
  readonly #account: Record<UserType, FailureCounter>;
  readonly #ip: FailureCounter;

  constructor(cfg: UsersConfig['lockout'], redis: Redis | undefined) {
    this.#account = { customer: counter(cfg.customer, 'customer', redis), admin: counter(cfg.admin, 'admin', redis) };
    this.#ip = counter(cfg.ip, 'ip', redis);
  }

  /** Seconds until sign-in may be tried again, or 0 when not locked. */
  async lockedFor(username: string, type: UserType, ip: string): Promise<number> {
    return Math.max(await this.#account[type].lockedFor(username), await this.#ip.lockedFor(ip));
  }

  async fail(username: string, type: UserType, ip: string): Promise<void> {
    await Promise.all([this.#account[type].fail(username), this.#ip.fail(ip)]);
  }

  async succeeded(username: string, type: UserType): Promise<void> {
    await this.#account[type].reset(username);
  }
}
