import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequest } from '../../platform/errors.ts';

/** A parsed application/x-www-form-urlencoded body that remembers repeated names. */
export class FormParams {
  readonly #values: Map<string, string[]>;
  constructor(values: Map<string, string[]>) { this.#values = values; }

  static parse(text: string): FormParams {
    const values = new Map<string, string[]>();
    for (const [k, v] of new URLSearchParams(text)) {
      const list = values.get(k);
      if (list) list.push(v); else values.set(k, [v]);
    }
    return new FormParams(values);
  }

  /** A single-valued parameter; repeating it is an error (RFC 6749 §3.1). Empty counts as absent. */
  get(name: string): string | undefined {
    const list = this.#values.get(name);
    if (!list) return undefined;
    if (list.length > 1) throw new InvalidRequest(`parameter ${name} is included more than once`);
    return list[0] === '' ? undefined : list[0];
  }

  require(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw new InvalidRequest(`missing required parameter ${name}`);
    return v;
  }

  all(name: string): string[] {
    return (this.#values.get(name) ?? []).filter((v) => v !== '');
  }

  has(name: string): boolean { return this.#values.has(name); }
  names(): string[] { return [...this.#values.keys()]; }

  /** A copy holding only the named parameters (grants see only what they declare). */
  pick(names: Iterable<string>): FormParams {
    const out = new Map<string, string[]>();
    for (const n of names) { const v = this.#values.get(n); if (v) out.set(n, v); }
    return new FormParams(out);
  }
}

const FORM = Symbol('form');
type Tagged = { [FORM]: FormParams } | { [FORM]: undefined; contentType: string };

/**
 * Registers body parsers on an encapsulated OAuth plugin: urlencoded bodies become
 * FormParams; any other content type is kept as a marker, so the endpoint can answer
 * with an RFC 6749 error instead of Fastify's 415.
 */
export function registerFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, { [FORM]: FormParams.parse(body as string) } satisfies Tagged);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, _body, done) => {
    done(null, { [FORM]: undefined, contentType: String(req.headers['content-type'] ?? '') } satisfies Tagged);
  });
}

export function formOf(request: FastifyRequest): FormParams {
  if (request.method !== 'POST') throw new InvalidRequest('use POST');
  const body = request.body as Tagged | undefined;
  if (!body || !(FORM in body)) throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  const form = body[FORM];
  if (!form) throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  // Credentials and parameters belong in the body, never in the query string.
  if (request.url.includes('?')) {
    const q = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1));
    if ([...q.keys()].length > 0) throw new InvalidRequest('parameters must be sent in the request body, not the query string');
  }
  return form;
}
