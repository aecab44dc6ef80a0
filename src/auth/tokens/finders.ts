import { findPersonAccessToken, findRefreshToken } from '../consent/token-finders.ts';
import type { AuthServices } from '../services.ts';
import type { TokenFinder, TokenInfo } from './inspect.ts';

/**
 * The single registry of token kinds /introspect and /revoke understand. A person's
 * access token finder also covers agents' own tokens (it wraps the core JWT finder).
 */
const finders: ReadonlyArray<{ kind: TokenInfo['kind']; find: TokenFinder }> = [
  { kind: 'access_token', find: findPersonAccessToken },
  { kind: 'refresh_token', find: findRefreshToken },
];

/** Tries every kind, the one `token_type_hint` names first (RFC 7009 §2.1, RFC 7662 §2.1). */
export async function findToken(s: AuthServices, token: string, hint: string | undefined): Promise<TokenInfo | undefined> {
  const ordered = hint === 'refresh_token' ? [...finders].reverse() : finders;
  for (const { find } of ordered) {
    const info = await find(s, token, hint);
    if (info) return info;
  }
  return undefined;
}
