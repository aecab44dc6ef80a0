import type { ResourceConfig } from '../../config/schema.ts';
import { parseScope, resolveResource, resolveScope } from '../tokens/target.ts';
import type { Grant } from './grant.ts';

interface Validated { resource: ResourceConfig; scope: string[] }

/** RFC 6749 §4.4: an agent acting as itself; sub = client_id, no refresh token. */
export const clientCredentials: Grant<Validated> = {
  grantType: 'client_credentials',
  parameters: ['scope', 'resource'],

  async validate({ services, client, params }) {
    const resource = resolveResource(services.auth, client, params.all('resource'));
    const scope = resolveScope(client, resource, parseScope(params.get('scope')));
    return { resource, scope };
  },

  async issue({ services, client }, { resource, scope }) {
    const at = await services.accessTokens.issueAsync({ sub: client.clientId, clientId: client.clientId, scope, audience: resource.id, ttl: resource.accessTokenTtl });
    return {
      response: { access_token: at.token, token_type: 'Bearer', expires_in: resource.accessTokenTtl, scope: scope.join(' ') },
      audit: { subject: client.clientId, detail: { grant_type: 'client_credentials', aud: resource.id, scope: scope.join(' '), jti: at.jti } },
    };
  },
};
