import { createHmac } from 'node:crypto';
import { percentEncode } from './percent-encoding.ts';

export type SignatureMethod = 'HMAC-SHA256' | 'HMAC-SHA1';

/** §3.4.2: key = encode(consumer_secret) & encode(token_secret), HMAC, base64. */
export function hmacSignature(method: SignatureMethod, baseString: string, consumerSecret: string, tokenSecret = ''): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac(method === 'HMAC-SHA256' ? 'sha256' : 'sha1', key).update(baseString, 'utf8').digest('base64');
}
