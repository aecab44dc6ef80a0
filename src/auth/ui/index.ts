import cookie from '@fastify/cookie';
import type { FastifyError, FastifyInstance } from 'fastify';
import { OAuthError, Problem } from '../../platform/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { registerAccountPages } from '../endpoints/account.ts';
import { registerAdminPages } from '../endpoints/admin.ts';
import { registerAuthorizeEndpoint } from '../endpoints/authorize.ts';
import { oauthScope } from '../endpoints/oauth-plugin.ts';
import { registerParEndpoint } from '../endpoints/par.ts';
import { FormParams } from '../request/form.ts';
import type { AuthServices } from '../services.ts';
import { registerInteractionPages } from './pages/interaction.ts';
import { registerLoginPages } from './pages/login.ts';
import { startPurging } from '../session/purge.ts';
import { createPeople, type People } from './people-context.ts';
import { STYLESHEET, sendErrorPage } from './render.ts';


/** Errors on people-facing pages are pages too: never JSON, never a stack trace. */
function pageErrorHandler(err: FastifyError | Error, request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) {
  if (err instanceof OAuthError && err.status < 500) return sendErrorPage(reply, err.status, 'Invalid request', err.description);
  if (err instanceof Problem && err.status < 500) return sendErrorPage(reply, err.status, err.title, err.detail ?? err.title);
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return sendErrorPage(reply, status, 'Invalid request', 'The request could not be understood.');
  request.log.error({ err }, 'people pages: unhandled error');
  return sendErrorPage(reply, 500, 'Something went wrong', 'Please try again in a moment.');
}

/**
 * The people-facing side of the authorization server: /authorize, /par, sign-in,
 * consent, /account/agents, /admin and the stylesheet. The authorization_code and
 * refresh_token grants are in the grant registry, their token kinds in
 * tokens/finders.ts.
 */
/**
 * An encapsulated scope for people-facing pages: the session cookie, urlencoded forms
 * as FormParams, and errors rendered as pages. Every page module registers inside one.
 */
export async function pageScope(app: FastifyInstance, register: (scope: FastifyInstance) => void): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(cookie);
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, FormParams.parse(body as string));
    });
    scope.setErrorHandler(pageErrorHandler);
    register(scope);
  });
}

export async function registerPeopleRoutes(app: FastifyInstance, _rt: Runtime, services: AuthServices): Promise<People> {
  const p = createPeople(services);
  await pageScope(app, (scope) => {
    scope.get('/ui/style.css', async (_req, reply) =>
      reply.headers({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }).send(STYLESHEET));
    registerAuthorizeEndpoint(scope, p);
    registerLoginPages(scope, p);
    registerInteractionPages(scope, p);
    registerAccountPages(scope, p);
    registerAdminPages(scope, p);
  });
  await oauthScope(app, (scope) => registerParEndpoint(scope, services));
  const stopPurging = startPurging(services.rt, p.cfg);
  app.addHook('onClose', async () => stopPurging());
  return p;
}
