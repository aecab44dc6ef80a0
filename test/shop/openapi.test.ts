import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guest, startShop, type ShopHarness } from './shop-harness.ts';

let shop: ShopHarness;
before(async () => { shop = await startShop({ seed: false }); });
after(() => shop.close());

test('the OpenAPI document is served and every path in it is a real route under both prefixes', async () => {
  const res = await shop.call('GET', '/rest/V1/openapi.json', { identity: guest });
  assert.equal(res.status, 200);
  const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
  assert.equal(doc.openapi, '3.1.0');
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => [m.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1')] as const));
  assert.equal(ops.length, 23);
  for (const [method, path] of ops) {
    assert.ok(shop.app.hasRoute({ method, url: `/rest/V1${path}` }), `${method} /rest/V1${path}`);
    assert.ok(shop.app.hasRoute({ method, url: `/rest/:storeCode/V1${path}` }), `${method} /rest/:storeCode/V1${path}`);
  }
  for (const required of ['GET /products', 'GET /products/:sku', 'GET /customers/me', 'PUT /customers/me', 'POST /carts/mine', 'GET /carts/mine', 'GET /carts/mine/items', 'POST /carts/mine/items',
    'PUT /carts/mine/items/:itemId', 'DELETE /carts/mine/items/:itemId', 'GET /carts/mine/totals', 'POST /carts/mine/payment-information', 'GET /orders', 'GET /orders/:id', 'POST /guest-carts']) {
    assert.ok(ops.some(([m, p]) => `${m} ${p}` === required), required);
  }
});

test('an empty catalog stays empty when seeding is off', async () => {
  const res = await shop.call('GET', '/rest/V1/products', { identity: guest });
  assert.deepEqual((res.body as { total_count: number }).total_count, 0);
});
