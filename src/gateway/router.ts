import type { RouteConfig } from './config.ts';

// Segment-wise matching on normalised paths: literal segments compare exactly,
// `:name` captures one segment, a trailing `*` captures the rest (possibly nothing).

export interface RoutePattern {
  literals: Array<string | undefined>;
  params: Array<string | undefined>;
  rest: boolean;
}

export interface RouteMatch<R> {
  route: R;
  params: Record<string, string>;
}

export function compilePattern(path: string): RoutePattern {
  const segs = path.split('/').filter((s) => s !== '');
  const rest = segs.at(-1) === '*';
  if (rest) segs.pop();
  return {
    literals: segs.map((s) => (s.startsWith(':') ? undefined : s)),
    params: segs.map((s) => (s.startsWith(':') ? s.slice(1) : undefined)),
    rest,
  };
}

function matchPattern(p: RoutePattern, segs: readonly string[]): Record<string, string> | undefined {
  const n = p.literals.length;
  if (p.rest ? segs.length < n : segs.length !== n) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < n; i++) {
    const lit = p.literals[i];
    if (lit !== undefined) {
      if (lit !== segs[i]) return undefined;
    } else {
      params ??= {};
      params[p.params[i]!] = segs[i]!;
    }
  }
  if (p.rest) (params ??= {})['*'] = segs.slice(n).join('/');
  return params ?? {};
}

/** Routes in config order; the first whose path and method match wins. */
export class Router<R extends { config: RouteConfig; pattern: RoutePattern }> {
  readonly #routes: R[];
  constructor(routes: R[]) { this.#routes = routes; }

  /** `{ allowed }` lists the methods of the routes whose path matched when none took this method (405). */
  match(method: string, segs: readonly string[]): RouteMatch<R> | { allowed: string[] } | undefined {
    let allowed: string[] | undefined;
    for (const route of this.#routes) {
      const params = matchPattern(route.pattern, segs);
      if (!params) continue;
      if (route.config.methods.includes(method)) return { route, params };
      (allowed ??= []).push(...route.config.methods);
    }
    return allowed ? { allowed: [...new Set(allowed)] } : undefined;
  }
}
