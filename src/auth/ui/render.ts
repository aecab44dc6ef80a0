import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { Eta } from 'eta';

const views = fileURLToPath(new URL('./templates/', import.meta.url));

// autoEscape: every <%= %> is HTML-escaped; templates never use raw output for data.
const eta = new Eta({ views, autoEscape: true, cache: true, autoTrim: [false, 'nl'] });

export const STYLESHEET = readFileSync(new URL('./static/style.css', import.meta.url), 'utf8');

/**
 * Strict CSP: nothing but our stylesheet and images from ourselves; forms post only to
 * us and, on pages that end in a redirect to an agent, that agent's origin (Chromium
 * applies form-action to the redirects that follow a form submission).
 */
export function pageCsp(formTargets: string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The origin (or private-use scheme) a redirect URI lands on, for form-action. */
export function redirectTarget(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
    return /^[a-z][a-z0-9+.-]*:$/.test(u.protocol) ? u.protocol : undefined;
  } catch { return undefined; }
}

export interface PageOptions {
  status?: number;
  formTargets?: string[];
}

/** Renders a server-side page with the security headers every people-facing page carries. */
export function sendPage(reply: FastifyReply, template: string, data: Record<string, unknown>, opts: PageOptions = {}): FastifyReply {
  const html = eta.render(template, data);
  return reply.code(opts.status ?? 200).headers({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': pageCsp(opts.formTargets),
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
  }).send(html);
}

export function sendErrorPage(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  return sendPage(reply, 'error', { title, message }, { status });
}
