// Magento integrations (OAuth 1.0a consumers) for the auth server and the gateway.
import type { Runtime } from '../../runtime.ts';
import type { OAuth1Request } from '../oauth1/index.ts';
import { magentoAuth } from '../token-services/magento-auth.ts';
import type { OAuth1Principal } from './oauth-handshake.ts';

export { IntegrationService, IntegrationError, type IntegrationInfo, type ActivationResult, type CreateIntegration } from './integration-service.ts';
export { OAuthHandshake, type OAuth1Principal } from './oauth-handshake.ts';
export { postCallback, checkDestination, CallbackError, type CallbackPolicy } from './callback.ts';
export { isPrivateAddress, hostAllowed } from './address-policy.ts';

export interface OAuth1Authenticator {
  /** Verifies a signed API call; throws OAuth1Error (Magento problem names, codes, statuses). */
  authenticateOAuth1ApiCall(req: OAuth1Request): Promise<OAuth1Principal>;
  /** An integration access token as a bare bearer token; undefined unless enabled or unknown. */
  findBearerAccessToken(token: string): Promise<OAuth1Principal | undefined>;
}

/** For the gateway: integration authentication over the runtime's store and nonce store. */
export function createOAuth1Authenticator(rt: Runtime): OAuth1Authenticator {
  return magentoAuth(rt).oauth;
}
