import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { generateCatalog } from '../../src/shop/catalog-generator.ts';
import { customer, guest, startShop } from './shop-harness.ts';

const CARD = '5555555555554444';

test('no card number, CVV or guest cart id rests in the database; concurrent checkouts place one order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'shop.db');
  const shop = await startShop({ db: { file } });
  let closed = false;
  t.after(async () => { if (!closed) await shop.close(); });
  const p = generateCatalog(300).find((x) => x.qty >= 1)!;

  const masked = (await shop.call('POST', '/rest/V1/guest-carts', { identity: guest })).body as string;
  assert.equal((await shop.call('POST', `/rest/V1/guest-carts/${masked}/items`, { identity: guest, body: { cartItem: { sku: p.sku, qty: 1 } } })).status, 200);

  const me = customer('racer');
  await shop.call('POST', '/rest/V1/carts/mine', { identity: me });
  assert.equal((await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: { cartItem: { sku: p.sku, qty: 1 } } })).status, 200);
  const pay = { paymentMethod: { method: 'deputy_card', additional_data: { cc_number: CARD, cc_exp_month: 1, cc_exp_year: 2099, cc_cid: '987' } } };
  const results = await Promise.all(Array.from({ length: 5 }, () => shop.call('POST', '/rest/V1/carts/mine/payment-information', { identity: me, body: pay })));
  assert.equal(results.filter((r) => r.status === 200).length, 1);
  // The losers either find the cart already closed (404) or lose the race inside the transaction (400).
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.ok([400, 404].includes(r.status));
    assert.ok(['The cart is no longer active.', 'No such entity with %fieldName = %fieldValue'].includes((r.body as { message: string }).message), JSON.stringify(r.body));
  }
  await shop.close();
  closed = true;

  const raw = new DatabaseSync(file, { readOnly: true });
  t.after(() => raw.close());
  const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'shop_%'").all() as Array<{ name: string }>;
  const dump = tables.map(({ name }) => JSON.stringify(raw.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
  assert.ok(dump.includes('"card_last4":"4444"'), 'the last four digits are kept');
  assert.ok(dump.includes('"card_brand":"MC"'));
  for (const secret of [CARD, '555555555555', '"987"', masked]) assert.equal(dump.includes(secret), false, `${secret} must not be stored`);
  assert.equal((raw.prepare('SELECT count(*) AS n FROM shop_orders').get() as { n: number }).n, 1);
});

test('oversized and wrongly typed bodies get Magento error bodies', async (t) => {
  const shop = await startShop({ seed: false, bodyLimit: 1024 });
  t.after(() => shop.close());
  const me = customer('big');
  const big = await shop.call('PUT', '/rest/V1/customers/me', { identity: me, body: { customer: { firstname: 'x'.repeat(2000) } } });
  assert.deepEqual([big.status, big.body], [413, { message: 'The request body is too large.', parameters: [] }]);
  const xml = await shop.call('PUT', '/rest/V1/customers/me', { identity: me, body: '<customer/>', headers: { 'content-type': 'application/xml' } });
  assert.equal(xml.status, 415);
  assert.equal((xml.body as { message: string }).message, 'Server cannot understand Content-Type HTTP header media type %1');
  const arr = await shop.call('PUT', '/rest/V1/customers/me', { identity: me, body: [1, 2] });
  assert.deepEqual([arr.status, arr.body], [400, { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'customer' } }]);
  const nul = await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: 'null' });
  assert.equal(nul.status, 404, 'no cart yet: checked before the body');
  await shop.call('POST', '/rest/V1/carts/mine', { identity: me });
  const nullBody = await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: 'null' });
  assert.deepEqual([nullBody.status, nullBody.body], [400, { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'body' } }]);
  const wrongMethod = await shop.call('PATCH', '/rest/V1/products', { identity: me });
  assert.deepEqual([wrongMethod.status, wrongMethod.body], [404, { message: 'Request does not match any route.', parameters: [] }]);
});
