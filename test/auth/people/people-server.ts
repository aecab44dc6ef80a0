import { createHash, randomBytes } from 'node:crypto';
import type { Raw } from '../../../src/config/check.ts';
import type { Store } from '../../../src/store/database.ts';
import type { Clock } from '../../../src/platform/clock.ts';
import { UserService } from '../../../src/auth/users/user-service.ts';
import { startAuthServer, type TestAuthServer } from '../../helpers/auth-server.ts';
import { basic, postForm } from '../../helpers/http.ts';
import { FAST_USERS } from './helpers.ts';

export const PASSWORD = 'alice-password';
export const REST = 'http://localhost:8080/rest';
export const MCP = 'http://localhost:8080/mcp';
export const REDIRECT = 'https://agent.example/cb';

export interface PeopleServer extends TestAuthServer {
  alice: { id: string; username: string };
  admin: { id: string; username: string };
  agent: { clientId: string; secret: string };
}

/** An auth server with two people (a customer and an admin) and a confidential agent. */
export async function startPeopleServer(opts: { config?: Raw; clock?: Clock; store?: Store; agent?: Record<string, unknown> } = {}): Promise<PeopleServer> {
  const users = { ...FAST_USERS, ...((opts.config?.users as Raw | undefined) ?? {}) };
  const srv = await startAuthServer({ ...opts, config: { ...opts.config, users } });
  const svc = new UserService(srv.rt);
  const alice = await svc.create({ username: 'alice@example.com', name: 'Alice <b>Martin</b>', type: 'customer', password: PASSWORD });
  const admin = await svc.create({ username: 'root@example.com', name: 'Root', type: 'admin', password: 'admin-password' });
  const { client, clientSecret } = await srv.services.clients.create({
    client_name: 'Shopping agent', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'],
    scope: 'catalog:read cart:write checkout offline_access', ...opts.agent,
  }, { createdBy: 'cli' });
  return { ...srv, alice, admin, agent: { clientId: client.clientId, secret: clientSecret ?? '' } };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface Page { status: number; headers: Headers; text: string; location: string | undefined; url: string }

/** A cookie-keeping HTTP client that does not follow redirects (tests look at each hop). */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly base: string;
  constructor(base: string) { this.base = base; }

  async #send(url: string, init: RequestInit): Promise<Page> {
    const full = new URL(url, this.base).toString();
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(full, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0/i.test(c)) this.cookies.delete(name); else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') ?? undefined, url: full };
  }

  get(url: string): Promise<Page> { return this.#send(url, { method: 'GET' }); }

  post(url: string, fields: Record<string, string | string[]>): Promise<Page> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
    return this.#send(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Follows redirects on our own server; stops at the first one that leaves it. */
  async follow(page: Page): Promise<Page> {
    let p = page;
    for (let i = 0; i < 10 && p.location && new URL(p.location, this.base).origin === new URL(this.base).origin; i++) p = await this.get(p.location);
    return p;
  }
}

export function hidden(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden field ${name} in page`);
  return m[1]!;
}

export function formAction(html: string): string {
  const all = [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]!);
  const main = all.find((a) => a !== '/logout');
  if (!main) throw new Error('no form in page');
  return main;
}

/** Signs in on a login page and returns the page after the post-login redirect chain. */
export async function signIn(b: Browser, loginPage: Page, username = 'alice@example.com', password = PASSWORD): Promise<Page> {
  const fields: Record<string, string> = { csrf: hidden(loginPage.text, 'csrf'), username, password };
  if (loginPage.text.includes('name="interaction"')) fields.interaction = hidden(loginPage.text, 'interaction');
  return b.follow(await b.post('/login', fields));
}

export function authorizeUrl(srv: PeopleServer, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: srv.agent.clientId, redirect_uri: REDIRECT, ...params })) if (v !== undefined) q.set(k, v);
  return `/authorize?${q}`;
}

/**
 * Runs authorize → login → consent in the browser and returns the callback URL the
 * server redirects to. `untick` removes scopes from the consent form.
 */
export async function authorizeInBrowser(srv: PeopleServer, b: Browser, params: Record<string, string | undefined>, opts: { untick?: string[]; decision?: string } = {}): Promise<URL> {
  let page = await b.follow(await b.get(authorizeUrl(srv, params)));
  if (page.text.includes('name="password"')) page = await signIn(b, page);
  if (page.location) return new URL(page.location);
  const ticked = [...page.text.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => m[1]!).filter((x) => !opts.untick?.includes(x));
  const done = await b.post(formAction(page.text), { csrf: hidden(page.text, 'csrf'), scope: ticked, decision: opts.decision ?? 'allow' });
  if (!done.location) throw new Error(`consent did not redirect: ${done.status} ${done.text.slice(0, 300)}`);
  return new URL(done.location);
}

/** Posts to /token with client_secret_basic. */
export async function tokenRequest(srv: PeopleServer, fields: Record<string, string>, secret = srv.agent.secret): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await postForm(`${srv.issuer}/token`, fields, { authorization: basic(srv.agent.clientId, secret) });
  return { status: r.status, body: r.json as Record<string, unknown> };
}

export async function introspect(srv: PeopleServer, token: string): Promise<Record<string, unknown>> {
  return (await postForm(`${srv.issuer}/introspect`, { token }, { authorization: basic(srv.agent.clientId, srv.agent.secret) })).json as Record<string, unknown>;
}

/** A complete flow up to tokens: returns the token response. */
export async function fullFlow(srv: PeopleServer, b: Browser, scope = 'catalog:read cart:write offline_access'): Promise<Record<string, unknown>> {
  const { verifier, challenge } = pkce();
  const cb = await authorizeInBrowser(srv, b, { scope, state: 's1', code_challenge: challenge, code_challenge_method: 'S256' });
  const code = cb.searchParams.get('code');
  if (!code) throw new Error(`no code in ${cb}`);
  const r = await tokenRequest(srv, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT });
  if (r.status !== 200) throw new Error(`token failed ${JSON.stringify(r.body)}`);
  return r.body;
}
