import { errors, Pool } from 'undici';
import type { UpstreamConfig } from './config.ts';
import type { Deny, UpstreamResponse } from './filter.ts';
import { deny } from './filter.ts';

// One undici Pool per upstream (Pool.request is ~6× faster than fetch). Hop-by-hop
// headers never cross the gateway in either direction; upstream failures become
// 502/503/504 with a reason for the log.

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
      const res = await pool.request({ method: req.method as 'GET', path: req.path, headers: req.headers, body: req.body && req.body.length ? req.body : null });
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v === undefined || HOP_BY_HOP.has(k)) continue;
        headers[k] = v;
      }
      // Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
      const conn = res.headers.connection;
      if (typeof conn === 'string') for (const h of conn.split(',')) delete headers[h.trim().toLowerCase()];
      // Small bodies of known length are read whole: one write to the client, no stream
      // plumbing per request. Larger or open-ended ones (SSE, downloads) are streamed.
      const length = Number(res.headers['content-length']);
      if (length >= 0 && length <= BUFFER_LIMIT) return { status: res.statusCode, headers, body: Buffer.from(await res.body.arrayBuffer()) };
      return { status: res.statusCode, headers, body: res.body };
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
