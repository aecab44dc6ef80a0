import { denyBody, type FilterFactory, type UpstreamResponse } from '../filter.ts';
import { isJsonType } from '../json-body.ts';
import { maskJson } from '../masking.ts';

const MAX_MASKED_BYTES = 16 * 1024 * 1024;

/** Reads the whole body, or undefined when it exceeds `limit` (the stream is then dropped). */
async function readAll(body: UpstreamResponse['body'], limit: number): Promise<Buffer | undefined> {
  if (Buffer.isBuffer(body)) return body.length > limit ? undefined : body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += (c as Buffer).length;
    if (size > limit) { body.destroy(); return undefined; }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Masks JSON responses by path and detector, unless the caller's type is exempt. */
export const maskResponse: FilterFactory = {
  name: 'mask-response',
  after: ['authenticate'],
  create(route, deps) {
    const cfg = route.mask;
    if (!cfg) return undefined;
    return {
      name: 'mask-response',
      async onResponse(ctx, res) {
        if (ctx.principal && cfg.exempt.includes(ctx.principal.userType)) return;
        const type = res.headers['content-type'];
        if (typeof type !== 'string' || !isJsonType(type)) return;
        let raw: Buffer | undefined;
        let failure = 'too_large';
        try { raw = await readAll(res.body, MAX_MASKED_BYTES); } catch { failure = 'upstream_body_error'; }
        let masked: Buffer | undefined;
        try {
          if (raw) masked = Buffer.from(JSON.stringify(maskJson(JSON.parse(raw.toString('utf8')), cfg)));
        } catch { failure = 'not_json'; }
        if (masked) {
          res.body = masked;
          delete res.headers['content-encoding'];
          res.headers['content-length'] = String(masked.length);
          return;
        }
        // Too large, cut off or unparseable: refuse to pass unmasked data through.
        deps.log.warn({ route: route.id, reason: failure }, 'gateway: response on a masked route could not be masked');
        const err = denyBody(route.errors, { status: 502, description: 'The upstream response could not be processed.' });
        res.status = 502;
        res.body = Buffer.from(err.body);
        res.headers = { 'content-type': err.type, 'content-length': String(res.body.length), 'cache-control': 'no-store' };
      },
    };
  },
};
