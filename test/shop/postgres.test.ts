import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { backends, PG_URL, withSchemaLock } from '../helpers/backends.ts';
import { generateCatalog } from '../../src/shop/catalog-generator.ts';
import { admin, customer, startShop } from './shop-harness.ts';

const postgres = (await backends()).find((b) => b.name === 'postgres')!;

test('the shop runs on PostgreSQL given only a URL (own schema via search_path)', { skip: postgres.skip }, async (t) => {
  const schema = `shop_${randomBytes(6).toString('hex')}`;
  const adminClient = new pg.Client({ connectionString: PG_URL });
  await adminClient.connect();
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  // The shop migrates as it starts; see withSchemaLock for why that holds the lock.
  const shop = await withSchemaLock(async (c) => { await c.query(`CREATE SCHEMA ${schema}`); return startShop({ db: { url } }); });
  t.after(async () => {
    await shop.close();
    await adminClient.end();
    await withSchemaLock((c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
  });

  const p = generateCatalog(300).find((x) => x.qty >= 2)!;
  const me = customer('pg-user');
  assert.equal((await shop.call('POST', '/rest/V1/carts/mine', { identity: me })).status, 200);
  assert.equal((await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: { cartItem: { sku: p.sku, qty: 2 } } })).status, 200);
  const like = await shop.call('GET', `/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=name&searchCriteria[filter_groups][0][filters][0][value]=${encodeURIComponent(p.name.toUpperCase())}&searchCriteria[filter_groups][0][filters][0][condition_type]=like`, { identity: me });
  assert.ok((like.body as { items: Array<{ sku: string }> }).items.some((x) => x.sku === p.sku), 'like is case-insensitive on PostgreSQL too');
  const placed = await shop.call('POST', '/rest/V1/carts/mine/payment-information', { identity: me, body: { paymentMethod: { method: 'checkmo' } } });
  assert.equal(placed.status, 200);
  const order = await shop.call('GET', `/rest/V1/orders/${placed.body as string}`, { identity: admin(['Magento_Sales::actions_view']) });
  assert.equal((order.body as { grand_total: number }).grand_total, p.price_cents * 2 / 100);
  const tables = await adminClient.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'shop_kysely_migration'`, [schema]);
  assert.equal(tables.rows[0].n, 1, 'the shop keeps its own migration table');
});
