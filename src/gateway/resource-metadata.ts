import type { GatewayConfig } from './config.ts';

// RFC 9728 protected-resource metadata and the RFC 6750 challenge that points to it.

/** The path-inserted metadata URL of a resource: origin + well-known + resource path. */
function metadataUrl(resource: string): string {
  const u = new URL(resource);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}

export function metadataDocument(cfg: GatewayConfig, resource: string): Record<string, unknown> {
  const scopes = new Set<string>();
  for (const r of cfg.routes) if (r.resource === resource) for (const s of r.permission.scopes) scopes.add(s);
  return {
    resource,
    authorization_servers: [cfg.issuer],
    jwks_uri: cfg.jwksUri,
    scopes_supported: [...scopes],
    bearer_methods_supported: ['header'],
    resource_signing_alg_values_supported: cfg.algorithms,
  };
}

function quote(v: string): string {
  return `"${v.replace(/["\\]/g, '\\$&')}"`;
}

/** `Bearer` challenge: error fields only when a token was presented (RFC 6750 §3.1). */
export function bearerChallenge(p: { resource: string; scope?: string | undefined; error?: string | undefined; description?: string | undefined }): string {
  const parts: string[] = [];
  if (p.error) parts.push(`error=${quote(p.error)}`);
  if (p.error && p.description) parts.push(`error_description=${quote(p.description)}`);
  if (p.scope) parts.push(`scope=${quote(p.scope)}`);
  parts.push(`resource_metadata=${quote(metadataUrl(p.resource))}`);
  return `Bearer ${parts.join(', ')}`;
}
