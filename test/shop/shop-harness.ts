import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { silentLogger } from '../../src/platform/logger.ts';
import { send } from '../helpers/http.ts';
import { createShopServer, type ShopServerOptions } from '../../src/shop/server.ts';

// A real shop on 127.0.0.1:0 plus a gateway stand-in that mints identity tokens.

import type { FastifyInstance } from 'fastify';

export interface ShopHarness {
  base: string;
  app: FastifyInstance;
  mint(claims: Record<string, unknown>, opts?: { typ?: string; aud?: string; iss?: string; exp?: number; key?: Parameters<SignJWT['sign']>[0] }): Promise<string>;
  call(method: string, path: string, opts?: { identity?: Record<string, unknown> | string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: unknown; text: string }>;
  close(): Promise<void>;
}

export async function startShop(extra: Partial<ShopServerOptions> = {}): Promise<ShopHarness> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'gw-1', alg: 'ES256', use: 'sig' };
  const shop = await createShopServer({
    log: silentLogger(), bodyLimit: 65536, db: { file: ':memory:' },
    identity: { audience: 'shop', jwks: createLocalJWKSet({ keys: [jwk] }) },
    ...extra,
  });
  await shop.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = shop.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${addr.port}`;

  const mint: ShopHarness['mint'] = async (claims, o = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: o.typ ?? 'deputy-identity+jwt', kid: 'gw-1' })
      .setIssuer(o.iss ?? 'deputy-gateway').setAudience(o.aud ?? 'shop')
      .setIssuedAt(now).setExpirationTime(o.exp ?? now + 60)
      .sign(o.key ?? privateKey);
  };

  const call: ShopHarness['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.identity !== undefined) headers['x-deputy-identity'] = typeof o.identity === 'string' ? o.identity : await mint(o.identity);
    let body: string | undefined;
    if (o.body !== undefined) { body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body); headers['content-type'] ??= 'application/json'; }
    const r = await send(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    // Not JSON (or empty): the text itself.
    return { status: r.status, headers: r.headers, body: r.json !== undefined ? r.json : r.text, text: r.text };
  };

  return { base, app: shop.app, mint, call, close: () => shop.close() };
}

export const customer = (id: string, extra: Record<string, unknown> = {}) => ({ sub: id, user_type: 'customer', customer_id: id, auth_method: 'magento_token', ...extra });
export const guest = { sub: 'anonymous', user_type: 'guest' };
export const admin = (acl: string[]) => ({ sub: 'admin-1', user_type: 'admin', acl, auth_method: 'magento_token' });
