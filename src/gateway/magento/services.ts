import { sha256 } from '../../crypto/hash.ts';
import { peopleRepos } from '../../auth/users/people-repos.ts';
import { SessionManager } from '../../auth/session/session-manager.ts';
import { usersConfig } from '../../auth/users/users-config.ts';
import { createOAuth1Authenticator, type OAuth1Authenticator } from '../../magento/integrations/index.ts';
import { epochSeconds } from '../../platform/clock.ts';
import type { Runtime } from '../../runtime.ts';

// What the gateway's Magento filters need from the shared store: OAuth 1.0a integration
// authentication and read-only lookups of the auth server's browser sessions.

export interface SessionPerson {
  userId: string;
  userType: 'customer' | 'admin';
  /** The session cookie value (secret): the CSRF token is derived from it. */
  token: string;
  authTime: number;
}

export interface MagentoGatewayServices {
  oauth1: OAuth1Authenticator;
  /** The signed-in person of a `Cookie` header, or undefined (no, unknown, expired, anonymous session, disabled user). */
  session(cookieHeader: string | undefined): Promise<SessionPerson | undefined>;
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function createMagentoGatewayServices(rt: Runtime): MagentoGatewayServices {
  const oauth1 = createOAuth1Authenticator(rt);
  const sessions = usersConfig(rt.config).session;
  const idle = sessions.idleTimeout;
  // The auth server's cookie (cookies are host-scoped, not port-scoped); read-only here.
  const cookieName = new SessionManager(rt, sessions).cookieName;
  const repos = peopleRepos(rt);
  return {
    oauth1,
    async session(cookieHeader) {
      if (!cookieHeader) return undefined;
      const token = cookieValue(cookieHeader, cookieName);
      if (!token || token.length > 100) return undefined;
      const row = await repos.sessions.find(sha256(token));
      const now = epochSeconds(rt.clock);
      if (!row || row.user_id === null || row.expires_at <= now || row.last_seen_at + idle <= now) return undefined;
      const user = await repos.users.find(row.user_id);
      if (!user || user.disabled) return undefined;
      return { userId: user.id, userType: user.type, token, authTime: row.auth_time ?? row.created_at };
    },
  };
}
