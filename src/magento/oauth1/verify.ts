import { safeEqual } from '../../crypto/hash.ts';
import { parseOAuthHeader } from './authorization-header.ts';
import { queryParams, signatureBaseString, type Param } from './base-string.ts';
import { OAuth1Error } from './errors.ts';
import type { NonceStore } from './nonce-store.ts';
import { hmacSignature, type SignatureMethod } from './signature.ts';

// Verifies an OAuth 1.0a signed request (RFC 5849 §3.2). Pure apart from the injected
// lookups and nonce store. Order: shape → version → method → timestamp → consumer →
// token → signature → nonce, so unsigned requests cannot burn a consumer's nonces.

export interface OAuth1Request {
  method: string;
  /** The URL exactly as the client addressed it (public scheme, host and port). */
  url: string | URL;
  authorization?: string | undefined;
  /** An application/x-www-form-urlencoded body (raw or parsed); other bodies are not signed. */
  form?: string | Record<string, string | string[] | undefined> | undefined;
}

export interface OAuth1VerifyOptions {
  findConsumer(consumerKey: string): Promise<{ secret: string } | undefined>;
  /** The token's secret, only when the token exists and belongs to this consumer. */
  findToken?(token: string, consumerKey: string): Promise<{ secret: string } | undefined>;
  nonces: NonceStore;
  /** Current time, epoch seconds. */
  now: number;
  /** Resource calls and /oauth/token/access need a token; /oauth/token/request does not. */
  requireToken?: boolean;
  /** HMAC-SHA1 is legacy; off unless switched on. */
  allowHmacSha1?: boolean;
  /** Accepted clock skew either way, seconds (default 600). */
  timestampWindow?: number;
}

export interface OAuth1Verified {
  consumerKey: string;
  token: string | undefined;
  signatureMethod: SignatureMethod;
  /** The protocol parameters (oauth_*) except the signature, e.g. oauth_verifier, oauth_callback. */
  oauth: Record<string, string>;
}

const REQUIRED = ['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature', 'oauth_timestamp', 'oauth_nonce'];

function formParams(form: OAuth1Request['form']): Param[] {
  if (form === undefined) return [];
  if (typeof form === 'string') return [...new URLSearchParams(form).entries()];
  return Object.entries(form).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x] as const) : [[k, v] as const]));
}

/** All signed parameters, and the protocol ones, each allowed once across all sources. */
function collect(req: OAuth1Request, url: URL): { params: Param[]; oauth: Map<string, string> } {
  const header = parseOAuthHeader(req.authorization);
  const params = [...queryParams(url), ...formParams(req.form), ...(header ?? [])];
  const oauth = new Map<string, string>();
  for (const [k, v] of params) {
    if (!k.startsWith('oauth_')) continue;
    if (oauth.has(k)) throw new OAuth1Error('parameter_rejected', k);
    oauth.set(k, v);
  }
  return { params: params.filter(([k]) => k !== 'oauth_signature'), oauth };
}

export async function verifyOAuth1Request(req: OAuth1Request, opts: OAuth1VerifyOptions): Promise<OAuth1Verified> {
  let url: URL;
  try { url = typeof req.url === 'string' ? new URL(req.url) : req.url; } catch { throw new OAuth1Error('parameter_rejected', 'url'); }
  const { params, oauth } = collect(req, url);
  const requireToken = opts.requireToken ?? true;
  for (const name of requireToken ? [...REQUIRED, 'oauth_token'] : REQUIRED) {
    if (!oauth.get(name)) throw new OAuth1Error('parameter_absent', name);
  }
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') throw new OAuth1Error('version_rejected', version.slice(0, 16));

  const method = oauth.get('oauth_signature_method') as string;
  if (method !== 'HMAC-SHA256' && !(method === 'HMAC-SHA1' && opts.allowHmacSha1)) throw new OAuth1Error('signature_method_rejected', method.slice(0, 32));

  const ts = oauth.get('oauth_timestamp') as string;
  const window = opts.timestampWindow ?? 600;
  if (!/^\d{1,12}$/.test(ts) || Math.abs(Number(ts) - opts.now) > window) throw new OAuth1Error('timestamp_refused');

  const nonce = oauth.get('oauth_nonce') as string;
  if (nonce.length > 255 || !/^[\x21-\x7e]+$/.test(nonce)) throw new OAuth1Error('parameter_rejected', 'oauth_nonce');

  const consumerKey = oauth.get('oauth_consumer_key') as string;
  const consumer = consumerKey.length <= 255 ? await opts.findConsumer(consumerKey) : undefined;
  if (!consumer) throw new OAuth1Error('consumer_key_rejected');

  const token = oauth.get('oauth_token') || undefined;
  let tokenSecret = '';
  if (token !== undefined) {
    const found = token.length <= 255 && opts.findToken ? await opts.findToken(token, consumerKey) : undefined;
    if (!found) throw new OAuth1Error('token_rejected');
    tokenSecret = found.secret;
  }

  const expected = hmacSignature(method, signatureBaseString(req.method, url, params), consumer.secret, tokenSecret);
  if (!safeEqual(expected, oauth.get('oauth_signature') as string)) throw new OAuth1Error('signature_invalid');

  // Remember the nonce for as long as its timestamp could still be accepted.
  if (!await opts.nonces.use(consumerKey, nonce, Math.max(Number(ts), opts.now) + window, opts.now)) throw new OAuth1Error('nonce_used', consumerKey);

  oauth.delete('oauth_signature');
  return { consumerKey, token, signatureMethod: method, oauth: Object.fromEntries(oauth) };
}
