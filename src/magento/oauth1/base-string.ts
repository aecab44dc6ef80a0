import { percentEncode } from './percent-encoding.ts';

// RFC 5849 §3.4.1: the signature base string. Pure.

export type Param = readonly [name: string, value: string];

/** §3.4.1.2: scheme and host lowercased, default port dropped, no query or fragment. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.toLowerCase();
  const defaultPort = (scheme === 'http:' && url.port === '80') || (scheme === 'https:' && url.port === '443') || url.port === '';
  const host = url.hostname.toLowerCase() + (defaultPort ? '' : `:${url.port}`);
  return `${scheme}//${host}${url.pathname}`;
}

/** §3.4.1.3.1: query parameters, decoded as application/x-www-form-urlencoded. */
export function queryParams(url: URL): Param[] {
  return [...url.searchParams.entries()];
}

/** §3.4.1.3.2: encode names and values, sort by name then value, join with & and =. */
export function normaliseParams(params: readonly Param[]): string {
  return params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Method & encoded base URI & encoded normalised parameters (oauth_signature excluded by the caller). */
export function signatureBaseString(method: string, url: URL, params: readonly Param[]): string {
  return [method.toUpperCase(), percentEncode(baseStringUri(url)), percentEncode(normaliseParams(params))].join('&');
}
