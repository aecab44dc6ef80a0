import type { Grant } from './grant.ts';
import { clientCredentials } from './client-credentials.ts';
import { authorizationCode } from './authorization-code.ts';
import { refreshToken } from './refresh-token.ts';

/** The single registry of grant types the token endpoint serves (add one line per grant). */
const all: Grant<unknown>[] = [
  clientCredentials,
  authorizationCode,
  refreshToken,
];

export const grants: ReadonlyMap<string, Grant<unknown>> = new Map(all.map((g) => [g.grantType, g]));
