import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OAuth1Request } from '../../magento/oauth1/index.ts';
import { OAuth1Error } from '../../magento/oauth1/index.ts';
import type { MagentoAuth } from '../../magento/token-services/magento-auth.ts';
import { epochSeconds } from '../../platform/clock.ts';

// Magento's OAuth 1.0a token endpoints (RFC 5849 §2.1, §2.3). Bodies in and out are
// application/x-www-form-urlencoded; refusals are `oauth_problem=…` with Magento's names.

const FORM = 'application/x-www-form-urlencoded';

function sendForm(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).type(FORM).send(body);
}

function oauthErrorHandler(m: MagentoAuth) {
  return (err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (err instanceof OAuth1Error) {
      request.log.info({ problem: err.problem }, 'oauth1: request refused');
      m.rt.audit.record({ time: epochSeconds(m.rt.clock), requestId: request.id, action: 'magento.oauth.refused', outcome: 'failure', reason: err.problem, detail: { path: request.url.split('?')[0] } });
      return sendForm(reply, err.status, err.toFormBody());
    }
    return otherErrors(err, request, reply);
  };
}

function otherErrors(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return sendForm(reply, 400, 'oauth_problem=parameter_rejected');
  request.log.error({ err }, 'oauth1: unhandled error');
  return sendForm(reply, 500, 'oauth_problem=internal_error');
}

/** The request as the client signed it: the public store base URL plus the path and query. */
function signedRequest(m: MagentoAuth, request: FastifyRequest): OAuth1Request {
  const body = request.body;
  return {
    method: request.method,
    url: new URL(request.url, `${m.cfg.integrations.storeBaseUrl}/`),
    authorization: request.headers.authorization,
    form: typeof body === 'string' ? body : undefined,
  };
}

export async function registerMagentoOAuthEndpoints(app: FastifyInstance, m: MagentoAuth): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    // Other bodies are not part of the signature (RFC 5849 §3.4.1.3.1); read and ignore them.
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));
    scope.setErrorHandler(oauthErrorHandler(m));
    scope.post('/oauth/token/request', async (request, reply) => {
      const t = await m.oauth.requestToken(signedRequest(m, request));
      return sendForm(reply, 200, new URLSearchParams({ oauth_token: t.token, oauth_token_secret: t.secret }).toString());
    });
    scope.post('/oauth/token/access', async (request, reply) => {
      const t = await m.oauth.accessToken(signedRequest(m, request));
      return sendForm(reply, 200, new URLSearchParams({ oauth_token: t.token, oauth_token_secret: t.secret }).toString());
    });
  });
}
