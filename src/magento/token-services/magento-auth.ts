import { UserService } from '../../auth/users/user-service.ts';
import { ConfigError } from '../../platform/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { loadAclTree, type AclTree } from '../acl.ts';
import { IntegrationService } from '../integrations/integration-service.ts';
import { OAuthHandshake } from '../integrations/oauth-handshake.ts';
import { MemoryNonceStore, RedisNonceStore } from '../oauth1/index.ts';
import { AdminProfileRepository } from '../totp/admin-repository.ts';
import { TotpService } from '../totp/totp-service.ts';
import { TokenLockout } from './lockout.ts';
import { magentoConfig, type MagentoConfig } from './magento-config.ts';
import { MagentoTokenIssuer } from './token-issuer.ts';
import { MagentoTokenService } from './token-service.ts';

/**
 * The Magento pieces of the auth server (and of a gateway in the same process: use
 * `magentoAuth(rt).oauth.authenticateOAuth1ApiCall(req)`), built once per runtime.
 */
export interface MagentoAuth {
  rt: Runtime;
  cfg: MagentoConfig;
  acl: AclTree;
  users: UserService;
  admins: AdminProfileRepository;
  totp: TotpService;
  tokens: MagentoTokenService;
  lockout: TokenLockout;
  integrations: IntegrationService;
  /** OAuth 1.0a handshake and signed-call authentication (nonces in Redis when configured). */
  oauth: OAuthHandshake;
}

const cache = new WeakMap<Runtime, MagentoAuth>();

export function magentoAuth(rt: Runtime): MagentoAuth {
  let m = cache.get(rt);
  if (!m) { m = build(rt); cache.set(rt, m); }
  return m;
}

function build(rt: Runtime): MagentoAuth {
  const cfg = magentoConfig(rt.config);
  let acl: AclTree;
  try { acl = loadAclTree(cfg.aclFile); } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('magento.aclFile', `cannot read ${cfg.aclFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!acl.roles.has(cfg.defaultAdminRole)) throw new ConfigError('magento.defaultAdminRole', `no role ${JSON.stringify(cfg.defaultAdminRole)} in ${cfg.aclFile} (roles: ${[...acl.roles.keys()].join(', ')})`);
  const users = new UserService(rt);
  const admins = new AdminProfileRepository(rt.store.db);
  const totp = new TotpService(rt, admins, cfg.totpIssuer);
  const lockout = new TokenLockout(rt.store.db, { maxFailures: cfg.tokens.maxFailures, duration: cfg.tokens.lockoutDuration });
  const issuer = new MagentoTokenIssuer({ keys: rt.keys, clock: rt.clock, issuer: rt.config.issuer, audience: cfg.tokens.audience });
  const tokens = new MagentoTokenService({ rt, cfg, acl, users, lockout, issuer, totp, admins });
  const integrations = new IntegrationService({ rt, cfg, acl });
  const nonces = rt.redis ? new RedisNonceStore(rt.redis) : new MemoryNonceStore();
  const oauth = new OAuthHandshake({ rt, cfg, integrations, nonces });
  return { rt, cfg, acl, users, admins, totp, tokens, lockout, integrations, oauth };
}
