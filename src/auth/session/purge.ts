import { epochSeconds } from '../../platform/clock.ts';
import type { Runtime } from '../../runtime.ts';
import { peopleRepos } from '../users/people-repos.ts';
import type { UsersConfig } from '../users/users-config.ts';

/** Used codes are kept this long after expiry, so a late replay still revokes what they issued. */
const CODE_REPLAY_MEMORY = 3600;

/** Deletes expired sessions, pending requests, codes and refresh-token families. */
export async function purgeExpiredPeopleState(rt: Runtime, cfg: UsersConfig): Promise<void> {
  const now = epochSeconds(rt.clock);
  const repos = peopleRepos(rt);
  await repos.sessions.purgeExpired(now, now - cfg.session.idleTimeout);
  await repos.requests.purgeExpired(now);
  await repos.codes.purgeExpired(now - CODE_REPLAY_MEMORY);
  await repos.refreshTokens.purgeExpired(now);
}

/** Runs the purge every `everyMs` until stopped; failures are logged, never thrown. */
export function startPurging(rt: Runtime, cfg: UsersConfig, everyMs = 10 * 60_000): () => void {
  const timer = setInterval(() => {
    purgeExpiredPeopleState(rt, cfg).catch((err: unknown) => rt.log.warn({ err }, 'people: purge of expired state failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
