import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../../crypto/hash.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { InvalidRequest, OAuthError } from '../../platform/errors.ts';
import {
  AuthorizationPageError, PAR_URN_PREFIX, errorResponseUrl, resolveClientAndRedirect, validateAuthorizationParams,
} from '../consent/authorization-request.ts';
import { continueAuthorization } from '../consent/continue.ts';
import { FormParams } from '../request/form.ts';
import type { AuthServices } from '../services.ts';
import { seeOther, type People } from '../ui/people-context.ts';
import { sendErrorPage } from '../ui/render.ts';
import { peopleRepos } from '../users/people-repos.ts';

function paramsOf(request: FastifyRequest): FormParams {
  if (request.method === 'POST') {
    if (!(request.body instanceof FormParams)) throw new AuthorizationPageError(400, 'Invalid request', 'The request body must be a form.');
    return request.body;
  }
  const q = request.url.indexOf('?');
  return FormParams.parse(q < 0 ? '' : request.url.slice(q + 1));
}

/** RFC 9126 §4: with request_uri, only the pushed parameters count (taken once). */
async function resolvePushed(s: AuthServices, raw: FormParams): Promise<{ params: FormParams; pushed: boolean }> {
  if (!raw.has('request_uri')) return { params: raw, pushed: false };
  let requestUri: string | undefined;
  let clientId: string | undefined;
  try { requestUri = raw.get('request_uri'); clientId = raw.get('client_id'); } catch { requestUri = undefined; }
  if (!requestUri || !clientId || !requestUri.startsWith(PAR_URN_PREFIX) || requestUri.length > 200) {
    throw new AuthorizationPageError(400, 'Invalid request', 'The request_uri or client_id is missing or malformed.');
  }
  const row = await peopleRepos(s.rt).requests.take(sha256(requestUri), 'par', epochSeconds(s.rt.clock));
  if (!row || row.client_id !== clientId) throw new AuthorizationPageError(400, 'Request expired', 'This authorization request has expired or was already used. Go back to the app and try again.');
  return { params: FormParams.parse(row.params), pushed: true };
}

function stateOf(params: FormParams): string | undefined {
  try { const st = params.get('state'); return st !== undefined && st.length <= 2000 ? st : undefined; } catch { return undefined; }
}

async function authorize(p: People, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const s = p.s;
  let resolved;
  let pushed;
  let params;
  try {
    ({ params, pushed } = await resolvePushed(s, paramsOf(request)));
    resolved = await resolveClientAndRedirect(s, params);
  } catch (err) {
    if (err instanceof AuthorizationPageError) return sendErrorPage(reply, err.status, err.title, err.message);
    throw err;
  }
  const { client, redirectUri } = resolved;
  try {
    if (client.metadata.require_pushed_authorization_requests && !pushed) throw new InvalidRequest('this client must use pushed authorization requests (PAR)');
    const req = validateAuthorizationParams(s, client, redirectUri, params);
    return await continueAuthorization(p, req, request, reply);
  } catch (err) {
    if (!(err instanceof OAuthError) || err.status >= 500) throw err;
    s.rt.audit.record({ time: epochSeconds(s.rt.clock), requestId: request.id, action: 'authorization.refused', outcome: 'failure', clientId: client.clientId, reason: err.error, detail: { description: err.description } });
    return seeOther(reply, errorResponseUrl({ redirectUri, state: stateOf(params) }, s.endpoints.issuer, err));
  }
}

/**
 * GET/POST /authorize (RFC 6749 §4.1.1, OAuth 2.1). Unknown client or redirect URI:
 * an error page, never a redirect. Anything else wrong: back to the client with
 * `error`, `state` and `iss` (RFC 9207).
 */
export function registerAuthorizeEndpoint(app: FastifyInstance, p: People): void {
  const handler = (request: FastifyRequest, reply: FastifyReply) => authorize(p, request, reply);
  app.get('/authorize', handler);
  app.post('/authorize', handler);
}
