import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet } from 'jose';
import { createAuthServer } from '../auth/server.ts';
import { seedDemoUsers } from '../auth/users/seed.ts';
import { optStr, rejectUnknown, section, str } from '../config/check.ts';
import { loadConfig } from '../config/load.ts';
import { createGatewayServer } from '../gateway/server.ts';
import type { Runtime } from '../runtime.ts';
import { createShopServer } from '../shop/server.ts';

/** What roles started earlier in this process hand to later ones. */
export interface RoleContext {
  /** The gateway's identity JWKS when the gateway runs in this process. */
  gatewayJwks?: string;
}

export interface Role {
  port(rt: Runtime): number;
  start(rt: Runtime, ctx: RoleContext): Promise<{ app: FastifyInstance; close(): Promise<void> }>;
}

function shopSettings(rt: Runtime): { databaseUrl?: string; gatewayJwksUri: string; audience: string } {
  const s = section(rt.config.extra.shop, 'shop');
  rejectUnknown(s, 'shop', ['databaseUrl', 'gatewayJwksUri', 'audience']);
  const databaseUrl = optStr(s, 'databaseUrl', 'shop.');
  return {
    ...(databaseUrl ? { databaseUrl } : {}),
    gatewayJwksUri: str(s, 'gatewayJwksUri', 'shop.', `http://127.0.0.1:${rt.config.ports.gateway}/.well-known/deputy-gateway-jwks.json`),
    audience: str(s, 'audience', 'shop.', 'shop'),
  };
}

/** Roles in start order: the gateway before the shop, which trusts its identity tokens. */
export const roles: Record<string, Role> = {
  auth: {
    port: (rt) => rt.config.ports.auth,
    async start(rt) {
      await seedDemoUsers(rt);
      return createAuthServer(rt);
    },
  },
  gateway: {
    port: (rt) => rt.config.ports.gateway,
    async start(rt, ctx) {
      // With a config file, routes, limits and IP rules reload on SIGHUP and on change.
      const file = process.env.DEPUTY_CONFIG;
      const gw = await createGatewayServer(rt, file ? { watch: { file, load: () => loadConfig(process.env), sighup: true } } : {});
      ctx.gatewayJwks = gw.identityJwks;
      return gw;
    },
  },
  shop: {
    port: (rt) => rt.config.ports.shop,
    async start(rt, ctx) {
      const s = shopSettings(rt);
      // In one process the gateway hands its keys over; alone, the shop fetches them.
      const jwks = ctx.gatewayJwks ? createLocalJWKSet(JSON.parse(ctx.gatewayJwks) as JSONWebKeySet) : createRemoteJWKSet(new URL(s.gatewayJwksUri));
      return createShopServer({
        log: rt.log.child({ role: 'shop' }),
        bodyLimit: rt.config.bodyLimit,
        db: s.databaseUrl ? { url: s.databaseUrl } : { file: join(rt.config.dataDir, 'shop.db') },
        identity: { audience: s.audience, jwks },
        clock: rt.clock,
      });
    },
  },
};
