import { errors, Pool } from 'undici';
import type { UpstreamConfig } from './config.ts';
import type { Deny, UpstreamResponse } from './filter.ts';
import { exchange } from './upstream-exchange.ts';
import { deny } from './filter.ts';

// One undici Pool per upstream, driven through its dispatch API (upstream-exchange.ts).
// Hop-by-hop headers never cross the gateway in either direction; upstream failures
// become 502/503/504 with a reason for the log.

/** RFC 9110 §7.6.1 connection-specific headers. */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Responses up to this size (with Content-Length) are buffered instead of streamed. */
const BUFFER_LIMIT = 64 * 1024;

export class Upstreams {
  readonly #pools = new Map<string, { pool: Pool; cfg: UpstreamConfig }>();

  constructor(upstreams: Record<string, UpstreamConfig>) {
    for (const cfg of Object.values(upstreams)) {
      this.#pools.set(cfg.name, {
        cfg,
        pool: new Pool(cfg.url, { connections: cfg.connections, connectTimeout: cfg.connectTimeoutMs, headersTimeout: cfg.timeoutMs, bodyTimeout: cfg.bodyTimeoutMs, keepAliveTimeout: 4000 }),
      });
    }
  }

  config(name: string): UpstreamConfig {
    return this.#pools.get(name)!.cfg;
  }

  async send(name: string, req: { method: string; path: string; headers: Record<string, string>; body: Buffer | undefined }): Promise<UpstreamResponse | Deny> {
    const { pool } = this.#pools.get(name)!;
    try {
      // Small bodies of known length are read whole: one write to the client, no stream
      // plumbing per request. Larger or open-ended ones (SSE, downloads) are streamed.
      const res = await exchange(pool, { method: req.method, path: req.path, headers: req.headers, body: req.body && req.body.length ? req.body : null }, BUFFER_LIMIT);
      const headers = res.headers;
      // Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
      const conn = headers.connection;
      if (conn !== undefined) for (const h of String(conn).split(',')) delete headers[h.trim().toLowerCase()];
      for (const h of HOP_BY_HOP) if (h in headers) delete headers[h];
      return { status: res.status, headers, body: res.body };
    } catch (err) {
      return upstreamFailure(err);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.pool.close()));
  }
}

function upstreamFailure(err: unknown): Deny {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) return deny(504, 'upstream_timeout', 'The upstream service did not answer in time.');
  if (err instanceof errors.ConnectTimeoutError) return deny(503, 'upstream_connect_timeout', 'The upstream service is unavailable.');
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return deny(503, 'upstream_unavailable', 'The upstream service is unavailable.');
  return deny(502, 'upstream_error', 'The upstream service failed.');
}
