import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { PASSWORD, pkce, startPeopleServer, tokenRequest } from '../auth/people/people-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function skipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but Chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
  console.log(`# skipping browser test: Chromium not found at ${CHROMIUM}`);
  return `Chromium not found at ${CHROMIUM}`;
}

async function callbackServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }).end('callback reached'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/cb`, server };
}

test('browser: sign in, untick a scope, land on the callback with a code; revoke on /account/agents; the next refresh fails', { skip: skipReason() }, async (t) => {
  const cb = await callbackServer();
  t.after(() => new Promise<void>((resolve) => cb.server.close(() => resolve())));
  const srv = await startPeopleServer({ agent: { redirect_uris: [cb.url] } });
  t.after(() => srv.close());
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 20_000 });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });

  const { verifier, challenge } = pkce();
  const q = new URLSearchParams({ response_type: 'code', client_id: srv.agent.clientId, redirect_uri: cb.url, scope: 'catalog:read cart:write offline_access', state: 'browser-state', code_challenge: challenge, code_challenge_method: 'S256' });
  await page.goto(`${srv.issuer}/authorize?${q}`);
  assert.equal(await page.locator('h1').textContent(), 'Sign in');
  await page.fill('#username', 'alice@example.com');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('text=Shopping agent wants to act for you');
  assert.equal(await page.locator('input[name=scope]').count(), 3);
  await page.uncheck('input[name=scope][value="cart:write"]');
  await Promise.all([page.waitForURL((u) => u.toString().startsWith(cb.url)), page.click('button[value=allow]')]);
  const landed = new URL(page.url());
  assert.equal(await page.textContent('body'), 'callback reached');
  assert.equal(landed.searchParams.get('state'), 'browser-state');
  assert.equal(landed.searchParams.get('iss'), srv.issuer);
  const code = landed.searchParams.get('code');
  assert.match(code ?? '', /^[\w-]{43}$/);

  const tokens = await tokenRequest(srv, { grant_type: 'authorization_code', code: code!, code_verifier: verifier, redirect_uri: cb.url });
  assert.equal(tokens.status, 200);
  assert.equal(tokens.body.scope, 'catalog:read offline_access', 'the unticked scope is not granted');

  await page.goto(`${srv.issuer}/account/agents`);
  assert.equal(await page.locator('h1').textContent(), 'Connected agents');
  assert.match((await page.textContent('table'))!, /Shopping agent[\s\S]*catalog:read, offline_access/);
  await Promise.all([page.waitForURL(/notice=revoked/), page.click('button:has-text("Revoke")')]);
  assert.match((await page.textContent('main'))!, /Access revoked/);

  const refresh = await tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string });
  assert.deepEqual(refresh, { status: 400, body: { error: 'invalid_grant', error_description: 'the refresh token is invalid, expired or revoked' } });
  assert.deepEqual(cspViolations, [], 'no CSP violations on any page');
});
