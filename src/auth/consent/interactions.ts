import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { randomToken } from '../../platform/ids.ts';
import type { AuthServices } from '../services.ts';
import { peopleRepos } from '../users/people-repos.ts';
import type { AuthorizationRequest } from './authorization-request.ts';

/** How long a person has to sign in and decide, seconds. */
export const INTERACTION_TTL = 600;
const ID = /^[A-Za-z0-9_-]{43}$/;

export function isInteractionId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

/** Parks a validated request while the person signs in and consents; the id is a bearer secret. */
export async function createInteraction(s: AuthServices, req: AuthorizationRequest): Promise<string> {
  const id = randomToken(32);
  await peopleRepos(s.rt).requests.insert({ id_hash: sha256(id), kind: 'interaction', client_id: req.clientId, params: JSON.stringify(req), expires_at: epochSeconds(s.rt.clock) + INTERACTION_TTL });
  return id;
}

export async function loadInteraction(s: AuthServices, id: string): Promise<AuthorizationRequest | undefined> {
  if (!isInteractionId(id)) return undefined;
  const row = await peopleRepos(s.rt).requests.find(sha256(id), 'interaction', epochSeconds(s.rt.clock));
  return row ? (JSON.parse(row.params) as AuthorizationRequest) : undefined;
}

/** Single use: the decision consumes it. */
export async function takeInteraction(s: AuthServices, id: string): Promise<AuthorizationRequest | undefined> {
  if (!isInteractionId(id)) return undefined;
  const row = await peopleRepos(s.rt).requests.take(sha256(id), 'interaction', epochSeconds(s.rt.clock));
  return row ? (JSON.parse(row.params) as AuthorizationRequest) : undefined;
}
