import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { JWTVerifyGetKey } from 'jose';
import { DEFAULT_ACL_PATH, loadAclTree, type AclTree } from '../magento/acl.ts';
import { createHttpServer } from '../platform/http.ts';
import { epochSeconds, systemClock, type Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { openStore } from '../store/database.ts';
import { CartRepository } from './carts.ts';
import { generateCatalog } from './catalog-generator.ts';
import { CustomerRepository } from './customers.ts';
import { MagentoError } from './errors.ts';
import { identityVerifier } from './identity.ts';
import { magentoApi } from './magento-api.ts';
import { migrateShop } from './migrations/index.ts';
import { OrderRepository } from './orders.ts';
import { ProductRepository } from './products.ts';
import type { ShopDatabase } from './schema.ts';
import type { ShopServices } from './cart-service.ts';

export interface ShopServerOptions {
  log: Logger;
  bodyLimit: number;
  /** PostgreSQL URL, or a SQLite file (":memory:" in tests); default ./data/shop.db. */
  db: { url?: string; file?: string };
  /** How gateway identity tokens are verified: our upstream id and the gateway's keys. */
  identity: { audience: string; jwks: JWTVerifyGetKey };
  /** Fill an empty catalog with the generated demo products (default true). */
  seed?: boolean;
  /** Store codes accepted in /rest/<store>/V1 (default: default, all). */
  stores?: string[];
  acl?: AclTree;
  clock?: Clock;
}

export const DEMO_CATALOG_SIZE = 300;

/** The demo store (role `shop`). Does not listen; the caller does. */
export async function createShopServer(opts: ShopServerOptions): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const clock = opts.clock ?? systemClock;
  let file = opts.db.file;
  if (!opts.db.url && !file) file = join('data', 'shop.db');
  if (file && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const store = openStore<ShopDatabase>(opts.db.url ? { url: opts.db.url } : { file: file as string });
  try {
    await migrateShop(store.db as never);
    const services: ShopServices = {
      products: new ProductRepository(store.db),
      customers: new CustomerRepository(store.db),
      carts: new CartRepository(store.db),
      orders: new OrderRepository(store.db),
      clock,
    };
    if (opts.seed !== false && await services.products.count() === 0) {
      await services.products.insertMany(generateCatalog(DEMO_CATALOG_SIZE), epochSeconds(clock));
    }
    const acl = opts.acl ?? loadAclTree(DEFAULT_ACL_PATH);
    const verify = identityVerifier({ audience: opts.identity.audience, jwks: opts.identity.jwks, clock });
    const app = createHttpServer({
      log: opts.log, name: 'shop', bodyLimit: opts.bodyLimit,
      readiness: [async () => { await sql`select 1`.execute(store.db); return true; }],
    });
    // Anything else under /rest (e.g. /rest/V2/…) still answers in Magento's format.
    await app.register(async (rest) => {
      rest.setNotFoundHandler((_request, reply) => reply.code(404).type('application/json; charset=utf-8').send(JSON.stringify(new MagentoError(404, 'Request does not match any route.').toJSON())));
    }, { prefix: '/rest' });
    await app.register(magentoApi, { prefix: '/rest/V1', services, acl, verify });
    await app.register(magentoApi, { prefix: '/rest/:storeCode/V1', services, acl, verify, stores: opts.stores ?? ['default', 'all'] });
    let closed = false;
    return {
      app,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}
