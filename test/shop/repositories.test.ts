import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { backends } from '../helpers/backends.ts';
import { shopMigrations } from '../../src/shop/migrations/index.ts';
import { generateCatalog } from '../../src/shop/catalog-generator.ts';
import { ProductRepository } from '../../src/shop/products.ts';
import { CustomerRepository } from '../../src/shop/customers.ts';
import { CartRepository } from '../../src/shop/carts.ts';
import { OrderRepository } from '../../src/shop/orders.ts';
import { parseSearchCriteria } from '../../src/shop/search-criteria.ts';
import { MagentoError } from '../../src/shop/errors.ts';
import type { ShopDatabase } from '../../src/shop/schema.ts';

const FIELDS = new Set(['sku', 'name', 'price', 'category', 'qty', 'entity_id', 'customer_id']);
const crit = (q: Record<string, string>) => parseSearchCriteria(q, { fields: FIELDS });

test('the generated catalog is deterministic and well formed', () => {
  const a = generateCatalog(300);
  assert.deepEqual(a, generateCatalog(300));
  assert.equal(new Set(a.map((p) => p.sku)).size, 300);
  assert.equal(a[0]?.sku, 'DP-APP-0001');
  assert.ok(a.every((p) => p.price_cents >= 449 && p.price_cents <= 49999 && p.qty >= 0));
  assert.ok(a.some((p) => p.qty === 0), 'some products are out of stock');
  assert.notDeepEqual(generateCatalog(10, 1), generateCatalog(10, 2));
});

for (const backend of await backends()) {
  test(`shop repositories on ${backend.name}`, { skip: backend.skip }, async (t) => {
    const store = await backend.open(shopMigrations);
    const db = store.db as unknown as Kysely<ShopDatabase>;
    t.after(() => store.close());
    const products = new ProductRepository(db);
    const customers = new CustomerRepository(db);
    const carts = new CartRepository(db);
    const orders = new OrderRepository(db);
    const catalog = generateCatalog(300);
    await products.insertMany(catalog, 1000);

    await t.test('search filters, sorts and pages like Magento', async () => {
      assert.equal(await products.count(), 300);
      const all = await products.search(crit({}));
      assert.equal(all.total, 300);
      assert.equal(all.rows.length, 20);
      const electronics = catalog.filter((p) => p.category === 'Electronics' && p.price_cents >= 10000).sort((x, y) => y.price_cents - x.price_cents || 0);
      const r = await products.search(crit({
        'searchCriteria[filter_groups][0][filters][0][field]': 'category',
        'searchCriteria[filter_groups][0][filters][0][value]': 'electronics',
        'searchCriteria[filter_groups][0][filters][0][condition_type]': 'like',
        'searchCriteria[filter_groups][1][filters][0][field]': 'price',
        'searchCriteria[filter_groups][1][filters][0][value]': '100',
        'searchCriteria[filter_groups][1][filters][0][condition_type]': 'gteq',
        'searchCriteria[sortOrders][0][field]': 'price',
        'searchCriteria[sortOrders][0][direction]': 'DESC',
        'searchCriteria[pageSize]': '300',
      }));
      assert.equal(r.total, electronics.length);
      assert.deepEqual(r.rows.map((p) => p.price_cents), electronics.map((p) => p.price_cents));
      const inList = await products.search(crit({
        'searchCriteria[filter_groups][0][filters][0][field]': 'sku',
        'searchCriteria[filter_groups][0][filters][0][value]': 'DP-APP-0001,DP-SHO-0002,nope',
        'searchCriteria[filter_groups][0][filters][0][condition_type]': 'in',
        'searchCriteria[filter_groups][0][filters][1][field]': 'sku',
        'searchCriteria[filter_groups][0][filters][1][value]': 'DP-BAG-0003',
      }));
      assert.deepEqual(inList.rows.map((p) => p.sku), ['DP-APP-0001', 'DP-SHO-0002', 'DP-BAG-0003']);
      const page2 = await products.search(crit({ 'searchCriteria[pageSize]': '7', 'searchCriteria[currentPage]': '2' }));
      assert.deepEqual(page2.rows.map((p) => p.sku), catalog.slice(7, 14).map((p) => p.sku));
    });

    await t.test('customers are created once per Deputy user', async () => {
      const defaults = { email: 'u1@example.com', firstname: 'U', lastname: 'One' };
      const [a, b] = await Promise.all([customers.ensure('user-1', defaults, 5), customers.ensure('user-1', defaults, 6)]);
      assert.equal(a.id, b.id);
      await customers.update(a.id, { email: 'new@example.com', firstname: 'N', lastname: 'E' }, 7);
      assert.equal((await customers.findByDeputyUser('user-1'))?.email, 'new@example.com');
    });

    await t.test('one active cart per customer; placing an order moves stock atomically', async () => {
      const c = await customers.ensure('user-2', { email: 'u2@example.com', firstname: 'U', lastname: 'Two' }, 5);
      const [x, y] = await Promise.all([carts.ensureForCustomer(c.id, 10), carts.ensureForCustomer(c.id, 10)]);
      assert.equal(x.id, y.id);
      const p = (await products.findBySku('DP-ELE-0004'))!;
      await carts.addItem(x.id, p, 1, 11);
      const item = await carts.addItem(x.id, p, 2, 12);
      assert.equal(item.qty, 3);
      const order = await orders.place({ cartId: x.id, items: await carts.items(x.id), customerId: c.id, email: c.email, payment: { method: 'checkmo', cardToken: null, cardLast4: null, cardBrand: null } }, 20);
      assert.equal(order.increment_id, String(order.id).padStart(9, '0'));
      assert.equal(order.grand_total_cents, p.price_cents * 3);
      assert.equal((await products.findBySku('DP-ELE-0004'))!.qty, p.qty - 3);
      assert.equal(await carts.activeForCustomer(c.id), undefined);
      const full = await orders.find(order.id);
      assert.equal(full?.items.length, 1);
      assert.equal(full?.payment?.method, 'checkmo');
      await assert.rejects(orders.place({ cartId: x.id, items: await carts.items(x.id), customerId: c.id, email: c.email, payment: { method: 'checkmo', cardToken: null, cardLast4: null, cardBrand: null } }, 21), /no longer active/);
    });

    await t.test('concurrent placements of one cart make exactly one order and move stock once', async () => {
      const c = await customers.ensure('user-race', { email: 'race@example.com', firstname: 'R', lastname: 'Ace' }, 5);
      const cart = await carts.ensureForCustomer(c.id, 10);
      const p = (await products.findBySku('DP-OUT-0007'))!;
      await carts.addItem(cart.id, p, 1, 11);
      const items = await carts.items(cart.id);
      const before = (await orders.search(crit({}))).total;
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => orders.place({ cartId: cart.id, items, customerId: c.id, email: c.email, payment: { method: 'checkmo', cardToken: null, cardLast4: null, cardBrand: null } }, 30)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.match(String(r.reason), /no longer active/);
      assert.equal((await products.findBySku('DP-OUT-0007'))!.qty, p.qty - 1);
      assert.equal((await orders.search(crit({}))).total, before + 1);
    });

    await t.test('an order beyond stock is refused and leaves nothing behind', async () => {
      const c = await customers.ensure('user-3', { email: 'u3@example.com', firstname: 'U', lastname: 'Three' }, 5);
      const cart = await carts.ensureForCustomer(c.id, 10);
      const p = (await products.findBySku('DP-HOM-0005'))!;
      const other = (await products.findBySku('DP-BOO-0006'))!;
      await carts.addItem(cart.id, other, 1, 11);
      await carts.addItem(cart.id, p, p.qty + 1, 11);
      const err = await orders.place({ cartId: cart.id, items: await carts.items(cart.id), customerId: c.id, email: c.email, payment: { method: 'checkmo', cardToken: null, cardLast4: null, cardBrand: null } }, 20).catch((e: unknown) => e);
      assert.ok(err instanceof MagentoError);
      assert.equal(err.status, 400);
      assert.equal((await products.findBySku('DP-BOO-0006'))!.qty, other.qty, 'stock rolled back');
      assert.equal((await carts.activeForCustomer(c.id))?.id, cart.id, 'cart still active');
      assert.equal((await orders.search(crit({ 'searchCriteria[filter_groups][0][filters][0][field]': 'customer_id', 'searchCriteria[filter_groups][0][filters][0][value]': String(c.id) }))).total, 0);
    });
  });
}
