import { sha256 } from '../../crypto/hash.ts';
import type { OAuth1Principal } from '../../magento/integrations/index.ts';
import type { Principal as MagentoPrincipal } from '../../magento/permission.ts';
import type { Principal } from '../filter.ts';
import type { SessionPerson } from './services.ts';

// Gateway principals for the Magento credentials, and the view checkPermission takes.

/** An integration authenticated by an OAuth 1.0a signature or its access token as a bearer. */
export function principalFromIntegration(p: OAuth1Principal, now: number): Principal {
  return {
    sub: `integration:${p.integrationId}`, clientId: p.consumerKey, scope: '', scopes: new Set(), person: false, userType: 'integration', customerId: undefined,
    acl: p.acl, act: undefined, grantId: undefined, jti: undefined, iat: now, exp: now, authMethod: 'oauth1',
    // Every signed call differs; identity tokens are reused per integration instead.
    credentialHash: sha256(`integration ${p.integrationId} ${p.acl.join(',')}`),
  };
}

/** A customer signed in to Deputy's pages, calling from a same-origin script. */
export function principalFromSession(s: SessionPerson, now: number): Principal {
  return {
    sub: s.userId, clientId: 'storefront', scope: '', scopes: new Set(), person: true, userType: 'customer', customerId: s.userId,
    acl: [], act: undefined, grantId: undefined, jti: undefined, iat: s.authTime, exp: now, authMethod: 'session',
    credentialHash: sha256(`session ${s.token}`),
  };
}

export function magentoPrincipal(p: Principal | undefined): MagentoPrincipal {
  if (!p) return { userType: 'guest' };
  return { userType: p.userType, customerId: p.customerId, acl: p.acl, scopes: [...p.scopes] };
}
