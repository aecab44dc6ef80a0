import { bool, int, optStr, rejectUnknown, section, strList, absoluteUrl, type Raw } from '../../config/check.ts';
import type { DeputyConfig } from '../../config/schema.ts';
import { ConfigError } from '../../platform/errors.ts';
import { DEFAULT_ACL_PATH } from '../acl.ts';

// The `magento:` config section read by the auth server's Magento pieces. Validated once
// per (frozen) config; every error names the exact key path.

export interface MagentoConfig {
  tokens: {
    /** Customer token lifetime, seconds (Magento: 1 h). */
    customerTtl: number;
    /** Admin token lifetime, seconds (Magento: 4 h). */
    adminTtl: number;
    /** `aud` of the tokens: the store API resource at the gateway. */
    audience: string;
    /** Failed sign-ins per (username, user type) before the account is locked. */
    maxFailures: number;
    /** Seconds the account stays locked (and the window failures are counted in). */
    lockoutDuration: number;
  };
  /** Admin tokens need a TOTP code (Magento_TwoFactorAuth's Google provider). */
  adminTotp: boolean;
  /** Issuer shown in authenticator apps. */
  totpIssuer: string;
  /** The ACL tree admin roles and integrations refer to. */
  aclFile: string;
  /** Role of admins who were given none. */
  defaultAdminRole: string;
  integrations: {
    /** Hosts activation may POST to: exact names or `*.suffix`. Empty: none. */
    callbackAllowlist: string[];
    /** Let callbacks reach loopback and private addresses (local development, tests). */
    allowLoopbackCallbacks: boolean;
    callbackTimeoutMs: number;
    /** `store_base_url` sent at activation: where /oauth/token/* is served. */
    storeBaseUrl: string;
    /** Accept an integration access token as a bare bearer token (Magento's legacy switch). */
    bearerAccessTokens: boolean;
    /** Seconds a request token may wait for /oauth/token/access. */
    requestTokenTtl: number;
    /** Seconds after activation within which the handshake must start. */
    verifierTtl: number;
  };
  oauth1: {
    allowHmacSha1: boolean;
    timestampWindow: number;
  };
}

const parsed = new WeakMap<DeputyConfig, MagentoConfig>();

export function magentoConfig(config: DeputyConfig): MagentoConfig {
  let cfg = parsed.get(config);
  if (!cfg) { cfg = Object.freeze(readMagentoConfig(config)); parsed.set(config, cfg); }
  return cfg;
}

function hostPattern(value: string, path: string): string {
  const v = value.trim().toLowerCase();
  if (!/^(\*\.)?[a-z0-9.-]+$|^\[?[0-9a-f:]+\]?$/.test(v)) throw new ConfigError(path, `expected a host name, "*.suffix" or an IP address, got ${JSON.stringify(value)}`);
  return v.replace(/^\[|\]$/g, '');
}

function readMagentoConfig(config: DeputyConfig): MagentoConfig {
  const m: Raw = section(config.extra.magento, 'magento');
  rejectUnknown(m, 'magento', ['tokens', 'adminTotp', 'totpIssuer', 'aclFile', 'defaultAdminRole', 'integrations', 'oauth1']);
  const t = section(m.tokens, 'magento.tokens');
  rejectUnknown(t, 'magento.tokens', ['customerTtl', 'adminTtl', 'audience', 'maxFailures', 'lockoutDuration']);
  const i = section(m.integrations, 'magento.integrations');
  rejectUnknown(i, 'magento.integrations', ['callbackAllowlist', 'allowLoopbackCallbacks', 'callbackTimeoutMs', 'storeBaseUrl', 'bearerAccessTokens', 'requestTokenTtl', 'verifierTtl']);
  const o = section(m.oauth1, 'magento.oauth1');
  rejectUnknown(o, 'magento.oauth1', ['allowHmacSha1', 'timestampWindow']);
  // Signing keys stay in JWKS only as long as the longest token lifetime they allow.
  const maxTtl = 4 * 3600;
  const audience = optStr(t, 'audience', 'magento.tokens.') ?? config.auth.resources.find((r) => /\/rest\/?$/.test(r.id))?.id ?? config.auth.defaultResource;
  // Magento clients talk to the store, i.e. the gateway: they sign its URL.
  const gw = config.extra.gateway as { publicBaseUrl?: unknown } | undefined;
  const storeBaseUrl = optStr(i, 'storeBaseUrl', 'magento.integrations.') ?? (typeof gw?.publicBaseUrl === 'string' ? gw.publicBaseUrl : `http://localhost:${config.ports.gateway}`);
  return {
    tokens: {
      customerTtl: int(t, 'customerTtl', 'magento.tokens.', 3600, 60, maxTtl),
      adminTtl: int(t, 'adminTtl', 'magento.tokens.', 4 * 3600, 60, maxTtl),
      audience: absoluteUrl(audience, 'magento.tokens.audience'),
      maxFailures: int(t, 'maxFailures', 'magento.tokens.', 6, 1, 1000),
      lockoutDuration: int(t, 'lockoutDuration', 'magento.tokens.', 1800, 1, 86_400),
    },
    adminTotp: bool(m, 'adminTotp', 'magento.', true),
    totpIssuer: optStr(m, 'totpIssuer', 'magento.') ?? 'Deputy',
    aclFile: optStr(m, 'aclFile', 'magento.') ?? DEFAULT_ACL_PATH,
    defaultAdminRole: optStr(m, 'defaultAdminRole', 'magento.') ?? 'Administrators',
    integrations: {
      callbackAllowlist: strList(i, 'callbackAllowlist', 'magento.integrations.').map((h, n) => hostPattern(h, `magento.integrations.callbackAllowlist[${n}]`)),
      allowLoopbackCallbacks: bool(i, 'allowLoopbackCallbacks', 'magento.integrations.', false),
      callbackTimeoutMs: int(i, 'callbackTimeoutMs', 'magento.integrations.', 5000, 100, 60_000),
      storeBaseUrl: absoluteUrl(storeBaseUrl, 'magento.integrations.storeBaseUrl').replace(/\/$/, ''),
      bearerAccessTokens: bool(i, 'bearerAccessTokens', 'magento.integrations.', false),
      requestTokenTtl: int(i, 'requestTokenTtl', 'magento.integrations.', 600, 30, 86_400),
      verifierTtl: int(i, 'verifierTtl', 'magento.integrations.', 86_400, 60, 30 * 86_400),
    },
    oauth1: {
      allowHmacSha1: bool(o, 'allowHmacSha1', 'magento.oauth1.', false),
      timestampWindow: int(o, 'timestampWindow', 'magento.oauth1.', 600, 1, 3600),
    },
  };
}
