import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.ts';
import { OAuthError, Problem } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Errors on this route are RFC 6749 §5.2 JSON instead of problem+json. */
    oauth?: boolean;
  }
}

export interface HttpServerOptions {
  log: Logger;
  name: string;
  bodyLimit: number;
  /** Checks for /readyz; each resolves true when its dependency is usable. */
  readiness?: Array<() => Promise<boolean>>;
  /**
   * Give each request a child logger bound to its id (default true). The gateway turns it
   * off: it logs the request id itself, and a pino child per request costs ≈ 2 % of its
   * throughput.
   */
  requestLogger?: boolean;
}

/** RFC 6749 §5.2 / RFC 6750 error response. */
export function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  return reply.code(err.status).headers({ 'cache-control': 'no-store', pragma: 'no-cache', ...err.headers }).type('application/json').send(JSON.stringify(err.toJSON()));
}

/** RFC 9457 problem details. */
export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(JSON.stringify(p.toJSON()));
}

function clientErrorText(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'unsupported content type';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return 'request body is not valid JSON';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return 'invalid Content-Length';
    default: return err.validation ? `invalid request: ${err.message}` : 'malformed request';
  }
}

/**
 * One error handler for every role: protocol errors are serialised as their RFCs say,
 * client mistakes become 400s with a clear description, anything else a generic 500
 * whose detail only reaches the log.
 */
export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const oauthRoute = request.routeOptions?.config?.oauth === true;
  if (err instanceof OAuthError) {
    if (err.status >= 500) request.log.error({ err }, 'server error');
    else request.log.info({ error: err.error, cause: err.cause instanceof Error ? err.cause.message : err.cause }, 'request refused');
    return sendOAuthError(reply, err);
  }
  if (err instanceof Problem) return sendProblem(reply, err);
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const text = clientErrorText(err as FastifyError);
    // RFC 6749 wants 400 invalid_request for malformed requests, oversized ones included.
    if (oauthRoute) return sendOAuthError(reply, new OAuthError('invalid_request', 400, text));
    return sendProblem(reply, new Problem(status, text));
  }
  request.log.error({ err }, 'unhandled error');
  if (oauthRoute) return sendOAuthError(reply, new OAuthError('server_error', 500, 'The server encountered an unexpected condition.'));
  return sendProblem(reply, new Problem(500, 'Internal Server Error'));
}

export function createHttpServer(opts: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.log,
    bodyLimit: opts.bodyLimit,
    // Access logs are the gateway's audit/log filter's job; no per-request noise here.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
    // Malformed URLs (bad percent-encoding) get the same problem+json as other client errors.
    frameworkErrors: (err, request, reply) => { handleError(err, request, reply); },
    ...(opts.requestLogger === false ? { childLoggerFactory: (logger: FastifyBaseLogger) => logger } : {}),
  }) as unknown as FastifyInstance;
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new Problem(404, 'Not Found', `no route for ${request.method} ${request.url.split('?')[0]}`)));
  // Callback style: an async hook costs a promise and a microtask on every response.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });
  app.get('/healthz', async (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok', role: opts.name }));
  app.get('/readyz', async (_req, reply) => {
    const checks = opts.readiness ?? [];
    const results = await Promise.all(checks.map((c) => c().catch(() => false)));
    const ok = results.every(Boolean);
    return reply.code(ok ? 200 : 503).header('cache-control', 'no-store').send({ status: ok ? 'ready' : 'not_ready', role: opts.name });
  });
  return app;
}
