import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MagentoAuthError } from '../../magento/token-services/errors.ts';
import type { MagentoAuth } from '../../magento/token-services/magento-auth.ts';

// Magento's token services on the auth server. Bodies are JSON; answers are the bare
// token as a JSON string, errors Magento's {"message", "parameters"} body.

function sendMagento(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export function magentoErrorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof MagentoAuthError) {
    request.log.info({ reason: err.reason }, 'magento: request refused');
    return sendMagento(reply, err.status, err.toJSON());
  }
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendMagento(reply, 400, { message: 'Decoding error: %1', parameters: ['the request body is not valid JSON'] });
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const text = fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'The content type is not supported. Send application/json.' : fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'The request body is too large.' : 'The request could not be understood.';
    return sendMagento(reply, fe.statusCode, { message: text, parameters: [] });
  }
  request.log.error({ err }, 'magento: unhandled error');
  return sendMagento(reply, 500, { message: 'Internal Error. Details are available in Magento log file. Report ID: %1', parameters: [request.id] });
}

const PREFIXES = ['/rest/V1', '/rest/:store/V1'] as const;

/** POST /rest[/<store>]/V1/integration/{customer,admin}/token and /V1/tfa/provider/google/authenticate. */
export async function registerMagentoTokenEndpoints(app: FastifyInstance, m: MagentoAuth): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler(magentoErrorHandler);
    const routes: Array<[string, (body: unknown) => Promise<string>]> = [
      ['/integration/customer/token', (b) => m.tokens.customerToken(b)],
      ['/integration/admin/token', (b) => m.tokens.adminToken(b)],
      ['/tfa/provider/google/authenticate', (b) => m.tokens.adminTokenWithTotp(b)],
    ];
    for (const prefix of PREFIXES) {
      for (const [path, handler] of routes) {
        scope.post(prefix + path, async (request, reply) => sendMagento(reply, 200, await handler(request.body)));
      }
    }
  });
}
