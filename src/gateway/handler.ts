import type { FastifyReply, FastifyRequest } from 'fastify';
import { epochSeconds } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { AccessLog } from './access-log.ts';
import type { Runtime } from '../runtime.ts';
import { runChain } from './chain.ts';
import type { RouteConfig } from './config.ts';
import type { GatewayDeps } from './deps.ts';
import { denyBody, type Deny, type RequestContext } from './filter.ts';
import { resolveClientIp } from './ip-rules.ts';
import { maskString } from './masking.ts';
import { normalisePath, PathError } from './path.ts';
import type { Router } from './router.ts';
import type { GatewayRoute } from './routing.ts';

// One request through the gateway: normalise, route, run the chain, answer, then audit,
// count and log. This and chain.ts are the only places that touch the reply.

export interface HandlerEnv {
  rt: Runtime;
  deps: GatewayDeps;
  router: Router<GatewayRoute>;
  log: Logger;
  /** Access lines (non-secret fields only); undefined when turned off. */
  accessLog: AccessLog | undefined;
}

interface Decision { filter: string; reason: string }

function sendDeny(reply: FastifyReply, format: RouteConfig['errors'], d: Deny): FastifyReply {
  reply.code(d.status).header('cache-control', 'no-store');
  if (d.headers) reply.headers(d.headers);
  const { type, body } = denyBody(format, d);
  return reply.type(type).send(body);
}

export async function handleGatewayRequest(env: HandlerEnv, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const started = performance.now();
  const { deps, rt } = env;
  const rawUrl = request.raw.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const clientIp = resolveClientIp(request.raw.socket.remoteAddress ?? '', request.headers['x-forwarded-for'], deps.trusted);
  const finish = (route: RouteConfig | undefined, ctx: RequestContext | undefined, status: number, decision: Decision | undefined) => {
    const ms = performance.now() - started;
    const routeId = route?.id ?? 'none';
    const p = ctx?.principal;
    deps.metrics.requests.inc(routeId, request.method, status, decision ? 'deny' : 'allow');
    deps.metrics.latency.observe(routeId, ms / 1000);
    if (decision) deps.metrics.denials.inc(decision);
    rt.audit.record({
      time: epochSeconds(rt.clock), requestId: request.id, action: 'gateway.request', outcome: decision ? 'deny' : 'allow',
      clientId: p?.clientId, subject: p?.sub, reason: decision ? `${decision.filter}:${decision.reason}` : undefined,
      detail: { route: routeId, method: request.method, status, latencyMs: Math.round(ms * 100) / 100, ip: clientIp, ...(p?.act !== undefined ? { act: p.act } : {}) },
    });
    if (!env.accessLog) return;
    const path = route?.mask ? maskString(rawPath, route.mask.detectors) : rawPath;
    env.accessLog.record({ reqId: request.id, method: request.method, path, route: routeId, status, ms: Math.round(ms * 100) / 100, ip: clientIp, clientId: p?.clientId, sub: p?.sub, decision: decision ? 'deny' : 'allow', filter: decision?.filter, reason: decision?.reason });
  };

  let segments: string[];
  try {
    segments = normalisePath(rawPath);
  } catch (err) {
    if (!(err instanceof PathError)) throw err;
    finish(undefined, undefined, 400, { filter: 'router', reason: err.reason });
    return sendDeny(reply, 'problem', { status: 400, reason: err.reason, description: 'The request path is not acceptable.' });
  }
  const m = env.router.match(request.method, segments);
  if (!m) {
    finish(undefined, undefined, 404, { filter: 'router', reason: 'no_route' });
    return sendDeny(reply, 'problem', { status: 404, reason: 'no_route', description: `no route for ${request.method} ${joinForDisplay(segments)}` });
  }
  if ('allowed' in m) {
    finish(undefined, undefined, 405, { filter: 'router', reason: 'method_not_allowed' });
    return sendDeny(reply, 'problem', { status: 405, reason: 'method_not_allowed', description: `${request.method} is not allowed here`, headers: { allow: m.allowed.join(', ') } });
  }
  const route = m.route.config;
  const ctx: RequestContext = {
    requestId: request.id, method: request.method, route, segments, params: m.params,
    query: q < 0 ? '' : rawUrl.slice(q + 1), headers: request.headers, body: Buffer.isBuffer(request.body) ? request.body : undefined,
    peerIp: request.raw.socket.remoteAddress ?? '', clientIp, principal: undefined, upstreamPath: undefined, upstreamHeaders: undefined, responseHeaders: {}, response: undefined,
  };
  let outcome;
  try {
    outcome = await runChain(m.route.chain, ctx);
  } catch (err) {
    env.log.error({ err, route: route.id, reqId: request.id }, 'gateway: filter failed');
    finish(route, ctx, 500, { filter: 'chain', reason: 'filter_error' });
    return sendDeny(reply, route.errors, { status: 500, reason: 'filter_error', description: 'The gateway could not process the request.' });
  }
  if (outcome.denied) {
    const { filter, deny } = outcome.denied;
    finish(route, ctx, deny.status, { filter, reason: deny.reason });
    if (deny.status === 429) reply.headers(ctx.responseHeaders);
    return sendDeny(reply, route.errors, deny);
  }
  const res = ctx.response!;
  finish(route, ctx, res.status, undefined);
  return reply.code(res.status).headers(res.headers).headers(ctx.responseHeaders).send(res.body);
}

function joinForDisplay(segs: readonly string[]): string {
  return `/${segs.join('/')}`.slice(0, 200);
}
