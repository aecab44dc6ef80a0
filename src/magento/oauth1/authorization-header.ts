import { OAuth1Error } from './errors.ts';
import { percentDecode } from './percent-encoding.ts';
import type { Param } from './base-string.ts';

// RFC 5849 §3.5.1: Authorization: OAuth realm="x", oauth_consumer_key="…", …
// Values are percent-encoded; realm is not a protocol parameter.

const PAIR = /\s*([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"\s*(?:,|$)/y;

/** The header's parameters, or undefined when it is not an OAuth header at all. */
export function parseOAuthHeader(header: string | undefined): Param[] | undefined {
  if (!header) return undefined;
  const m = /^OAuth(?:\s+|$)/i.exec(header);
  if (!m) return undefined;
  const rest = header.slice(m[0].length);
  const out: Param[] = [];
  PAIR.lastIndex = 0;
  let pair: RegExpExecArray | null;
  while (PAIR.lastIndex < rest.length && (pair = PAIR.exec(rest))) {
    const name = percentDecode(pair[1] as string);
    const value = percentDecode(pair[2] as string);
    if (name === undefined || value === undefined) throw new OAuth1Error('parameter_rejected', 'Authorization');
    if (name !== 'realm') out.push([name, value]);
  }
  if (PAIR.lastIndex !== rest.length && rest.trim() !== '') throw new OAuth1Error('parameter_rejected', 'Authorization');
  return out;
}
