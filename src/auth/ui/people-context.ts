import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRow } from '../../store/users.ts';
import { grantService, type GrantService } from '../consent/grant-service.ts';
import { FormParams } from '../request/form.ts';
import { checkCsrf } from '../session/csrf.ts';
import type { AuthServices } from '../services.ts';
import { LoginLimiter } from '../session/login-limiter.ts';
import { SessionManager, type Session } from '../session/session-manager.ts';
import { UserService } from '../users/user-service.ts';
import { usersConfig, type UsersConfig } from '../users/users-config.ts';

/** Everything the people-facing routes share, built once per server. */
export interface People {
  s: AuthServices;
  cfg: UsersConfig;
  users: UserService;
  sessions: SessionManager;
  limiter: LoginLimiter;
  grants: GrantService;
}

export function createPeople(s: AuthServices): People {
  const cfg = usersConfig(s.rt.config);
  return {
    s, cfg,
    users: new UserService(s.rt, cfg),
    sessions: new SessionManager(s.rt, cfg.session),
    limiter: new LoginLimiter(cfg.lockout, s.rt.redis),
    grants: grantService(s),
  };
}

export interface Visitor {
  session: Session | undefined;
  /** The signed-in, enabled person, if any. */
  user: UserRow | undefined;
}

export async function visitor(p: People, request: FastifyRequest): Promise<Visitor> {
  const session = await p.sessions.load(request);
  if (!session?.row.user_id) return { session, user: undefined };
  const user = await p.users.find(session.row.user_id);
  return { session, user: user && !user.disabled ? user : undefined };
}

/** The posted form of a people page (empty when the body was not a form). */
export function pageForm(request: FastifyRequest): FormParams {
  return request.body instanceof FormParams ? request.body : FormParams.parse('');
}

/** Whether a posted form carries the CSRF token bound to the visitor's session. */
export function csrfOk(session: Session | undefined, form: FormParams): boolean {
  return checkCsrf(session?.token, form.get('csrf'));
}

/** Layout data for a signed-in page. */
export function chrome(v: { session: Session | undefined; user: UserRow | undefined }): Record<string, unknown> {
  return { user: v.user ? { name: v.user.name, type: v.user.type } : undefined, csrf: v.session?.csrf ?? '' };
}

export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
}

export function formatTime(epoch: number | null): string {
  if (epoch === null) return 'never';
  return `${new Date(epoch * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
