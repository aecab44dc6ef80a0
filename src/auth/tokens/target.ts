import type { AuthConfig, ResourceConfig } from '../../config/schema.ts';
import { InvalidRequest, InvalidScope, InvalidTarget } from '../../platform/errors.ts';
import type { Client } from '../clients/client-service.ts';

/**
 * RFC 8707: the `resource` parameter picks the audience. One resource per token: a
 * token valid at several resource servers could be replayed from one to another.
 */
export function resolveResource(auth: AuthConfig, client: Client, requested: string[]): ResourceConfig {
  if (requested.length > 1) throw new InvalidTarget('request a token for one resource at a time');
  const id = requested[0] ?? auth.defaultResource;
  let url: URL;
  try { url = new URL(id); } catch { throw new InvalidTarget('resource must be an absolute URI'); }
  if (url.hash) throw new InvalidTarget('resource must not contain a fragment');
  const resource = auth.resources.find((r) => r.id === id);
  if (!resource) throw new InvalidTarget('the requested resource is unknown');
  if (!client.metadata.resources.includes(id)) throw new InvalidTarget('the client may not obtain tokens for this resource');
  return resource;
}

export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(' ');
  if (list.some((s) => s === '' || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))) throw new InvalidRequest('scope is malformed');
  return [...new Set(list)];
}

/**
 * Requested scopes must be allowed for the client and meaningful at the resource.
 * Without a request, the client gets everything it may have at that resource.
 */
export function resolveScope(client: Client, resource: ResourceConfig, requested: string[] | undefined): string[] {
  const allowed = client.metadata.scope.split(' ').filter((s) => resource.scopes.includes(s));
  if (requested === undefined) {
    if (allowed.length === 0) throw new InvalidScope('the client has no scope at this resource');
    return allowed;
  }
  const refused = requested.filter((s) => !allowed.includes(s));
  if (refused.length) throw new InvalidScope(`scope not allowed: ${refused.join(' ')}`);
  return requested;
}
