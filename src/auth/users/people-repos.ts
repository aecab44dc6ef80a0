import type { Runtime } from '../../runtime.ts';
import { AuthorizationCodeRepository } from '../../store/authorization-codes.ts';
import { AuthorizationRequestRepository } from '../../store/authorization-requests.ts';
import { GrantRepository } from '../../store/grants.ts';
import { RefreshTokenRepository } from '../../store/refresh-tokens.ts';
import { SessionRepository } from '../../store/sessions.ts';
import { UserRepository } from '../../store/users.ts';

/** The repositories of the people-facing feature, over the runtime's store. */
export interface PeopleRepos {
  users: UserRepository;
  sessions: SessionRepository;
  grants: GrantRepository;
  requests: AuthorizationRequestRepository;
  codes: AuthorizationCodeRepository;
  refreshTokens: RefreshTokenRepository;
}

const cache = new WeakMap<Runtime, PeopleRepos>();

export function peopleRepos(rt: Runtime): PeopleRepos {
  let repos = cache.get(rt);
  if (!repos) {
    const db = rt.store.db;
    repos = {
      users: new UserRepository(db),
      sessions: new SessionRepository(db),
      grants: new GrantRepository(db),
      requests: new AuthorizationRequestRepository(db),
      codes: new AuthorizationCodeRepository(db),
      refreshTokens: new RefreshTokenRepository(db),
    };
    cache.set(rt, repos);
  }
  return repos;
}
