import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { epochSeconds } from '../../../platform/clock.ts';
import type { Client } from '../../clients/client-service.ts';
import type { AuthorizationRequest } from '../../consent/authorization-request.ts';
import { loadInteraction, isInteractionId } from '../../consent/interactions.ts';
import { normalizeUsername } from '../../users/user-service.ts';
import { csrfOk, pageForm, seeOther, visitor, type People } from '../people-context.ts';
import { redirectTarget, sendErrorPage, sendPage } from '../render.ts';

export const LOGIN_FAILED = 'Wrong email or password.';
export const LOGIN_LOCKED = 'Too many failed sign-in attempts. Try again later.';

/**
 * The login page; inside an authorization it names the agent and allows the redirect that
 * follows. `pending` is the interaction's request and client when the caller already has them.
 */
export async function renderLogin(p: People, request: FastifyRequest, reply: FastifyReply, opts: { interaction?: string; pending?: { req: AuthorizationRequest; client: Client }; error?: string; username?: string; status?: number } = {}): Promise<FastifyReply> {
  const session = await p.sessions.ensure(request, reply);
  let agentName: string | undefined;
  const formTargets: string[] = [];
  if (opts.interaction) {
    const req = opts.pending?.req ?? await loadInteraction(p.s, opts.interaction);
    const client = opts.pending?.client ?? (req ? await p.s.clients.get(req.clientId) : undefined);
    if (req && client) {
      agentName = client.metadata.client_name || client.clientId;
      const t = redirectTarget(req.redirectUri);
      if (t) formTargets.push(t);
    }
  }
  return sendPage(reply, 'login', {
    title: 'Sign in', csrf: session.csrf, interaction: opts.interaction, error: opts.error, username: opts.username, agentName,
  }, { status: opts.status ?? 200, formTargets });
}

/** GET /login, POST /login, POST /logout. */
export function registerLoginPages(app: FastifyInstance, p: People): void {
  app.get('/login', async (request, reply) => {
    const v = await visitor(p, request);
    if (v.user) return seeOther(reply, v.user.type === 'admin' ? '/admin' : '/account/agents');
    return renderLogin(p, request, reply);
  });

  app.post('/login', async (request, reply) => {
    const f = pageForm(request);
    const interaction = isInteractionId(f.get('interaction')) ? f.get('interaction') : undefined;
    const session = await p.sessions.forForm(request);
    if (!csrfOk(session, f)) {
      return renderLogin(p, request, reply, { interaction, error: 'Your sign-in form expired. Please try again.', status: 403 });
    }
    const username = normalizeUsername(f.get('username') ?? '').slice(0, 254);
    const password = (f.get('password') ?? '').slice(0, 1024);
    const known = await p.users.findByUsername(username);
    const type = known?.type ?? 'customer';
    const ip = request.ip;
    const time = epochSeconds(p.s.rt.clock);
    const locked = await p.limiter.lockedFor(username, type, ip);
    if (locked > 0) {
      p.s.rt.audit.record({ time, requestId: request.id, action: 'user.login', outcome: 'deny', subject: known?.id, reason: 'locked_out', detail: { ip } });
      reply.header('retry-after', String(locked));
      return renderLogin(p, request, reply, { interaction, error: LOGIN_LOCKED, username, status: 429 });
    }
    const user = username && password ? await p.users.checkPassword(known, password) : undefined;
    if (!user) {
      await p.limiter.fail(username, type, ip);
      p.s.rt.audit.record({ time, requestId: request.id, action: 'user.login', outcome: 'failure', subject: known?.id, reason: 'bad_credentials', detail: { ip } });
      return renderLogin(p, request, reply, { interaction, error: LOGIN_FAILED, username, status: 401 });
    }
    await p.limiter.succeeded(username, type);
    await p.sessions.login(request, reply, user.id);
    p.s.rt.audit.record({ time, requestId: request.id, action: 'user.login', outcome: 'success', subject: user.id, detail: { ip } });
    // Only our own pages are destinations: an interaction id, or the person's home page.
    return seeOther(reply, interaction ? `/interaction/${interaction}` : user.type === 'admin' ? '/admin' : '/account/agents');
  });

  app.post('/logout', async (request, reply) => {
    const session = await p.sessions.load(request);
    if (!csrfOk(session, pageForm(request))) return sendErrorPage(reply, 403, 'Not signed out', 'The form expired or did not come from this site. Please try again.');
    await p.sessions.logout(request, reply);
    return seeOther(reply, '/login');
  });
}
