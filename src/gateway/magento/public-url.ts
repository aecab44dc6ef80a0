import type { BlockList } from 'node:net';
import type { RequestContext } from '../filter.ts';
import { joinSegments } from '../path.ts';

// The URL as the client addressed it, for OAuth 1.0a base strings and same-origin checks:
// gateway.publicBaseUrl when configured, else the Host header — with X-Forwarded-Proto
// and X-Forwarded-Host honoured only from a trusted proxy (gateway.trustedProxies).

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function first(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.split(',')[0]?.trim() || undefined;
}

export interface OriginRules { publicBaseUrl: string | undefined; trusted: BlockList | undefined }

/** The public origin (`http://host:port`), or undefined when the Host header is unusable. */
export function publicOrigin(ctx: RequestContext, rules: OriginRules): string | undefined {
  if (rules.publicBaseUrl) return rules.publicBaseUrl;
  const viaProxy = rules.trusted !== undefined && ctx.peerIp !== '' && rules.trusted.check(ctx.peerIp, ctx.peerIp.includes(':') ? 'ipv6' : 'ipv4');
  const proto = (viaProxy ? first(ctx.headers['x-forwarded-proto']) : undefined) ?? 'http';
  const host = (viaProxy ? first(ctx.headers['x-forwarded-host']) : undefined) ?? ctx.headers.host;
  if (!host || !HOST.test(host) || (proto !== 'http' && proto !== 'https')) return undefined;
  return `${proto}://${host.toLowerCase()}`;
}

/** Public origin + the normalised path + the raw query. */
export function publicUrl(ctx: RequestContext, rules: OriginRules): string | undefined {
  const origin = publicOrigin(ctx, rules);
  if (!origin) return undefined;
  return `${origin}${joinSegments(ctx.segments)}${ctx.query ? `?${ctx.query}` : ''}`;
}
