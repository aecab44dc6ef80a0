import { int, rejectUnknown, section, type Raw } from '../../config/check.ts';
import type { DeputyConfig } from '../../config/schema.ts';
import { ConfigError } from '../../platform/errors.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from '../../crypto/password.ts';

export interface LockoutRule {
  /** Failed sign-ins allowed within `window` before refusing. */
  maxFailures: number;
  /** Seconds. */
  window: number;
}

/** The `users:` config section: people, their sign-in and their sessions. */
export interface UsersConfig {
  scrypt: ScryptParams;
  lockout: { customer: LockoutRule; admin: LockoutRule; ip: LockoutRule };
  session: {
    /** Seconds without activity after which a session ends. */
    idleTimeout: number;
    /** Seconds after sign-in after which a session ends regardless. */
    absoluteTimeout: number;
  };
  /** Absolute lifetime of a refresh-token family, seconds. */
  refreshTokenLifetime: number;
  /** Lifetime of an authorization code, seconds (RFC 6749 §4.1.2 recommends ≤ 10 min). */
  codeLifetime: number;
  /** Lifetime of a pushed authorization request (request_uri), seconds. */
  parLifetime: number;
}

function rule(raw: unknown, path: string, fallback: LockoutRule): LockoutRule {
  const r = section(raw, path);
  rejectUnknown(r, path, ['maxFailures', 'window']);
  return { maxFailures: int(r, 'maxFailures', `${path}.`, fallback.maxFailures, 1, 1000), window: int(r, 'window', `${path}.`, fallback.window, 1, 86_400) };
}

const parsed = new WeakMap<DeputyConfig, UsersConfig>();

/** Validated once per (frozen) config; errors name the exact key path. */
export function usersConfig(config: DeputyConfig): UsersConfig {
  let cfg = parsed.get(config);
  if (!cfg) { cfg = Object.freeze(readUsersConfig(config)); parsed.set(config, cfg); }
  return cfg;
}

function readUsersConfig(config: DeputyConfig): UsersConfig {
  const u: Raw = section(config.extra.users, 'users');
  rejectUnknown(u, 'users', ['scrypt', 'lockout', 'session', 'refreshTokenLifetime', 'codeLifetime', 'parLifetime']);
  const s = section(u.scrypt, 'users.scrypt');
  rejectUnknown(s, 'users.scrypt', ['cost', 'blockSize', 'parallelization', 'keyLength']);
  const cost = int(s, 'cost', 'users.scrypt.', DEFAULT_SCRYPT.cost, 2, 1 << 20);
  if ((cost & (cost - 1)) !== 0) throw new ConfigError('users.scrypt.cost', `must be a power of two, got ${cost}`);
  const l = section(u.lockout, 'users.lockout');
  rejectUnknown(l, 'users.lockout', ['customer', 'admin', 'ip']);
  const sess = section(u.session, 'users.session');
  rejectUnknown(sess, 'users.session', ['idleTimeout', 'absoluteTimeout']);
  return {
    scrypt: {
      cost,
      blockSize: int(s, 'blockSize', 'users.scrypt.', DEFAULT_SCRYPT.blockSize, 1, 64),
      parallelization: int(s, 'parallelization', 'users.scrypt.', DEFAULT_SCRYPT.parallelization, 1, 16),
      keyLength: int(s, 'keyLength', 'users.scrypt.', DEFAULT_SCRYPT.keyLength, 16, 64),
    },
    lockout: {
      customer: rule(l.customer, 'users.lockout.customer', { maxFailures: 10, window: 600 }),
      admin: rule(l.admin, 'users.lockout.admin', { maxFailures: 6, window: 1800 }),
      ip: rule(l.ip, 'users.lockout.ip', { maxFailures: 10, window: 600 }),
    },
    session: {
      idleTimeout: int(sess, 'idleTimeout', 'users.session.', 1800, 60, 30 * 86_400),
      absoluteTimeout: int(sess, 'absoluteTimeout', 'users.session.', 12 * 3600, 300, 90 * 86_400),
    },
    refreshTokenLifetime: int(u, 'refreshTokenLifetime', 'users.', 30 * 86_400, 60, 365 * 86_400),
    codeLifetime: int(u, 'codeLifetime', 'users.', 60, 10, 600),
    parLifetime: int(u, 'parLifetime', 'users.', 90, 10, 600),
  };
}
