import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCatalog } from '../../src/shop/catalog-generator.ts';
import { admin, customer, guest, startShop, type ShopHarness } from './shop-harness.ts';

let shop: ShopHarness;
const catalog = generateCatalog(300);
before(async () => { shop = await startShop(); });
after(() => shop.close());

const q = (params: Record<string, string>) => '?' + new URLSearchParams(params).toString();
const byPrice = (a: { price_cents: number }, b: { price_cents: number }) => a.price_cents - b.price_cents;

test('products: searchCriteria filters, sorts and pages; the criteria are echoed', async () => {
  const res = await shop.call('GET', '/rest/V1/products' + q({
    'searchCriteria[filter_groups][0][filters][0][field]': 'category',
    'searchCriteria[filter_groups][0][filters][0][value]': 'Books',
    'searchCriteria[filter_groups][1][filters][0][field]': 'price',
    'searchCriteria[filter_groups][1][filters][0][value]': '50',
    'searchCriteria[filter_groups][1][filters][0][condition_type]': 'lteq',
    'searchCriteria[sortOrders][0][field]': 'price',
    'searchCriteria[sortOrders][0][direction]': 'ASC',
    'searchCriteria[pageSize]': '5',
  }), { identity: guest });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const expected = catalog.filter((p) => p.category === 'Books' && p.price_cents <= 5000).sort(byPrice);
  const body = res.body as { items: Array<{ sku: string; price: number }>; total_count: number; search_criteria: unknown };
  assert.equal(body.total_count, expected.length);
  assert.deepEqual(body.items.map((p) => p.price), expected.slice(0, 5).map((p) => p.price_cents / 100));
  assert.deepEqual(body.search_criteria, {
    filter_groups: [
      { filters: [{ field: 'category', value: 'Books', condition_type: 'eq' }] },
      { filters: [{ field: 'price', value: '50', condition_type: 'lteq' }] },
    ],
    sort_orders: [{ field: 'price', direction: 'ASC' }],
    page_size: 5,
    current_page: 1,
  });
});

test('products: default page of 20, the /rest/<store>/V1 prefix, and one product by sku', async () => {
  const res = await shop.call('GET', '/rest/default/V1/products', { identity: guest });
  assert.equal(res.status, 200);
  assert.equal((res.body as { items: unknown[] }).items.length, 20);
  const p = catalog[41]!;
  const one = await shop.call('GET', `/rest/V1/products/${p.sku}`, { identity: guest });
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, {
    id: 42, sku: p.sku, name: p.name, attribute_set_id: 4, price: p.price_cents / 100, status: 1, visibility: 4, type_id: 'simple',
    created_at: (one.body as { created_at: string }).created_at, updated_at: (one.body as { updated_at: string }).updated_at,
    extension_attributes: { website_ids: [1], stock_item: { qty: p.qty, is_in_stock: p.qty > 0 } },
    custom_attributes: [{ attribute_code: 'category', value: p.category }],
  });
  assert.match((one.body as { created_at: string }).created_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

test('products: bad criteria and unknown things get Magento error bodies, never a 500', async () => {
  const cases: Array<[string, number, unknown]> = [
    ['/rest/V1/products?searchCriteria[pageSize]=301', 400, { message: 'Maximum SearchCriteria pageSize is %max', parameters: { max: 300 } }],
    ['/rest/V1/products?searchCriteria[pageSize]=0', 400, { message: '"%fieldName" must be a positive integer.', parameters: { fieldName: 'searchCriteria[pageSize]' } }],
    ['/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=password&searchCriteria[filter_groups][0][filters][0][value]=x', 400, { message: '"%fieldName" is not a valid field.', parameters: { fieldName: 'password' } }],
    ['/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=x&searchCriteria[filter_groups][0][filters][0][condition_type]=regexp', 400, { message: 'Invalid condition type: %conditionType', parameters: { conditionType: 'regexp' } }],
    ['/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=price&searchCriteria[filter_groups][0][filters][0][value]=abc', 400, { message: '"%fieldName" must be a number.', parameters: { fieldName: 'price' } }],
    ['/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=price&searchCriteria[filter_groups][0][filters][0][value]=1&searchCriteria[filter_groups][0][filters][0][condition_type]=like', 400, { message: 'Condition type "like" is not supported for "%fieldName".', parameters: { fieldName: 'price' } }],
    ['/rest/V1/products?searchCriteria[pageSize]=1&searchCriteria[pageSize]=2', 400, { message: '"%fieldName" is given more than once.', parameters: { fieldName: 'searchCriteria[pageSize]' } }],
    ['/rest/V1/products?searchCriteria[sortOrders][0][field]=name&searchCriteria[sortOrders][0][direction]=sideways', 400, { message: 'Sort order direction must be ASC or DESC.', parameters: { direction: 'SIDEWAYS' } }],
    ['/rest/V1/products?searchCriteria]oops', 400, { message: '"%fieldName" is not a valid searchCriteria parameter.', parameters: { fieldName: 'searchCriteria]oops' } }],
    ['/rest/V1/products/NOPE-1', 404, { message: "The product that was requested doesn't exist. Verify the product and try again.", parameters: [] }],
    ['/rest/V1/nothing-here', 404, { message: 'Request does not match any route.', parameters: [] }],
    ['/rest/elsewhere/V1/products', 404, { message: 'Requested store is not found', parameters: [] }],
    ['/rest/V2/products', 404, { message: 'Request does not match any route.', parameters: [] }],
    ['/rest/default/V1/nothing', 404, { message: 'Request does not match any route.', parameters: [] }],
  ];
  for (const [path, status, body] of cases) {
    const res = await shop.call('GET', path, { identity: guest });
    assert.equal(res.status, status, path);
    assert.deepEqual(res.body, body, path);
  }
});

test('customers/me: created on first sight from the identity, updatable, own account only', async () => {
  const me = customer('user-42', { email: 'ada@example.com', given_name: 'Ada', family_name: 'Lovelace' });
  const first = await shop.call('GET', '/rest/V1/customers/me', { identity: me });
  assert.equal(first.status, 200);
  const c = first.body as Record<string, unknown>;
  assert.deepEqual([c.email, c.firstname, c.lastname], ['ada@example.com', 'Ada', 'Lovelace']);
  const upd = await shop.call('PUT', '/rest/V1/customers/me', { identity: me, body: { customer: { email: 'ada@analytical.example', firstname: 'Augusta', lastname: 'King' } } });
  assert.equal(upd.status, 200);
  assert.deepEqual([(upd.body as Record<string, unknown>).email, (upd.body as Record<string, unknown>).id], ['ada@analytical.example', c.id]);
  assert.equal(((await shop.call('GET', '/rest/V1/customers/me', { identity: me })).body as Record<string, unknown>).firstname, 'Augusta');
  const other = await shop.call('PUT', '/rest/V1/customers/me', { identity: me, body: { customer: { id: Number(c.id) + 1, email: 'x@example.com' } } });
  assert.deepEqual([other.status, other.body], [400, { message: 'A customer can only update their own account.', parameters: [] }]);
  const badEmail = await shop.call('PUT', '/rest/V1/customers/me', { identity: me, body: { customer: { email: 'not-an-email' } } });
  assert.deepEqual([badEmail.status, badEmail.body], [400, { message: '"%value" uses an invalid email format.', parameters: { value: 'not-an-email' } }]);
  for (const identity of [guest, { ...admin(['Magento_Backend::admin']), customer_id: 'user-42' }, { ...guest, customer_id: 'user-42' }]) {
    const r = await shop.call('GET', '/rest/V1/customers/me', { identity });
    assert.deepEqual([r.status, r.body], [401, { message: "The consumer isn't authorized to access %resources.", parameters: { resources: 'self' } }], JSON.stringify(identity));
  }
  const agent = await shop.call('GET', '/rest/V1/customers/me', { identity: { sub: 'agent-client', user_type: 'agent', customer_id: 'user-42', client_id: 'agent-client', scope: 'profile:read' } });
  assert.deepEqual([agent.status, (agent.body as { id: unknown }).id], [200, c.id], 'an agent acting for the customer sees the same account');
});

test('carts/mine: add, update, remove, totals, stock and quantity checks, then place an order', async () => {
  const me = customer('user-cart');
  const noCart = await shop.call('GET', '/rest/V1/carts/mine', { identity: me });
  assert.equal(noCart.status, 404);
  assert.deepEqual((noCart.body as { message: string }).message, 'No such entity with %fieldName = %fieldValue');
  const created = await shop.call('POST', '/rest/V1/carts/mine', { identity: me, headers: { 'content-type': 'application/json' } });
  assert.equal(created.status, 200);
  assert.equal(typeof created.body, 'number');
  assert.equal((await shop.call('POST', '/rest/V1/carts/mine', { identity: me })).body, created.body, 'one active cart');
  const a = catalog.find((p) => p.qty >= 5)!;
  const b = catalog.find((p) => p.qty >= 3 && p.sku !== a.sku)!;
  const addA = await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: { cartItem: { sku: a.sku, qty: 2, quote_id: '999999', price: 0.01 } } });
  assert.equal(addA.status, 200);
  const itemA = addA.body as { item_id: number; price: number; qty: number; quote_id: string };
  assert.deepEqual([itemA.price, itemA.qty, itemA.quote_id], [a.price_cents / 100, 2, String(created.body)], 'catalog price and the caller\'s own cart win');
  const addB = await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: { cartItem: { sku: b.sku, qty: '1' } } });
  assert.equal(addB.status, 200);
  const itemB = addB.body as { item_id: number };
  const upd = await shop.call('PUT', `/rest/V1/carts/mine/items/${itemA.item_id}`, { identity: me, body: { cartItem: { qty: 3 } } });
  assert.deepEqual([upd.status, (upd.body as { qty: number }).qty], [200, 3]);

  for (const [qty, message] of [[0, '"%fieldName" must be a whole number between 1 and %max.'], [1.5, '"%fieldName" must be a whole number between 1 and %max.'], [-1, '"%fieldName" must be a whole number between 1 and %max.'], ['x', '"%fieldName" must be a whole number between 1 and %max.']] as const) {
    const r = await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: { cartItem: { sku: a.sku, qty } } });
    assert.deepEqual([r.status, (r.body as { message: string }).message], [400, message], String(qty));
  }
  const tooMany = await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: { cartItem: { sku: a.sku, qty: a.qty } } });
  assert.deepEqual([tooMany.status, tooMany.body], [400, { message: 'The requested qty is not available', parameters: { sku: a.sku } }]);
  const soldOut = catalog.find((p) => p.qty === 0)!;
  const none = await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: { cartItem: { sku: soldOut.sku, qty: 1 } } });
  assert.deepEqual([none.status, none.body], [400, { message: 'Product that you are trying to add is not available.', parameters: { sku: soldOut.sku } }]);
  const malformed = await shop.call('POST', '/rest/V1/carts/mine/items', { identity: me, body: '{"cartItem":' });
  assert.deepEqual([malformed.status, malformed.body], [400, { message: 'Decoding error: %1', parameters: ['Syntax error'] }]);

  const del = await shop.call('DELETE', `/rest/V1/carts/mine/items/${itemB.item_id}`, { identity: me });
  assert.deepEqual([del.status, del.body], [200, true]);
  const delAgain = await shop.call('DELETE', `/rest/V1/carts/mine/items/${itemB.item_id}`, { identity: me });
  assert.deepEqual([delAgain.status, delAgain.body], [404, { message: "The %1 Cart doesn't contain the %2 item.", parameters: [String(created.body), String(itemB.item_id)] }]);

  const totals = await shop.call('GET', '/rest/V1/carts/mine/totals', { identity: me });
  const t = totals.body as { grand_total: number; subtotal: number; items_qty: number; items: Array<{ row_total: number }> };
  assert.equal(totals.status, 200);
  assert.equal(t.subtotal, Math.round(a.price_cents * 3) / 100);
  assert.equal(t.grand_total, t.subtotal);
  assert.equal(t.items_qty, 3);
  assert.deepEqual(t.items.map((i) => i.row_total), [a.price_cents * 3 / 100]);
  const items = await shop.call('GET', '/rest/V1/carts/mine/items', { identity: me });
  assert.deepEqual((items.body as Array<{ sku: string }>).map((i) => i.sku), [a.sku]);

  const badCard = await shop.call('POST', '/rest/V1/carts/mine/payment-information', { identity: me, body: { paymentMethod: { method: 'deputy_card', additional_data: { cc_number: '4111111111111112', cc_exp_month: 12, cc_exp_year: 2099 } } } });
  assert.deepEqual([badCard.status, badCard.body], [400, { message: 'Invalid credit card number.', parameters: [] }]);
  const badMethod = await shop.call('POST', '/rest/V1/carts/mine/payment-information', { identity: me, body: { paymentMethod: { method: 'free_money' } } });
  assert.deepEqual([badMethod.status, badMethod.body], [400, { message: 'The requested Payment Method is not available.', parameters: { method: 'free_money' } }]);
  const placed = await shop.call('POST', '/rest/V1/carts/mine/payment-information', { identity: me, body: { paymentMethod: { method: 'deputy_card', additional_data: { cc_number: '4111 1111 1111 1111', cc_exp_month: 12, cc_exp_year: 2099, cc_cid: '123' } } } });
  assert.equal(placed.status, 200);
  assert.match(placed.headers.get('content-type') ?? '', /^application\/json/);
  assert.match(placed.body as string, /^\d+$/);
  assert.equal((await shop.call('GET', '/rest/V1/carts/mine', { identity: me })).status, 404, 'the cart is closed');
  const stock = await shop.call('GET', `/rest/V1/products/${a.sku}`, { identity: guest });
  assert.equal((stock.body as { extension_attributes: { stock_item: { qty: number } } }).extension_attributes.stock_item.qty, a.qty - 3);

  const order = await shop.call('GET', `/rest/V1/orders/${placed.body as string}`, { identity: admin(['Magento_Sales::actions_view']) });
  assert.equal(order.status, 200);
  const o = order.body as Record<string, unknown>;
  assert.deepEqual(o.payment, { method: 'deputy_card', cc_last4: '1111', cc_type: 'VI', amount_ordered: t.grand_total });
  assert.equal(o.grand_total, t.grand_total);
  assert.doesNotMatch(order.text, /4111111111111111|4111 1111|tok_/, 'no card number or token leaves the store');
});

test('a customer cannot reach another customer\'s cart or items by changing ids', async () => {
  const alice = customer('alice');
  const bob = customer('bob');
  await shop.call('POST', '/rest/V1/carts/mine', { identity: alice });
  const item = (await shop.call('POST', '/rest/V1/carts/mine/items', { identity: alice, body: { cartItem: { sku: catalog.find((p) => p.qty > 0)!.sku, qty: 1 } } })).body as { item_id: number };
  const bobCart = (await shop.call('POST', '/rest/V1/carts/mine', { identity: bob })).body as number;
  const r = await shop.call('PUT', `/rest/V1/carts/mine/items/${item.item_id}`, { identity: bob, body: { cartItem: { qty: 1, quote_id: 1 } } });
  assert.deepEqual([r.status, r.body], [404, { message: "The %1 Cart doesn't contain the %2 item.", parameters: [String(bobCart), String(item.item_id)] }]);
  const d = await shop.call('DELETE', `/rest/V1/carts/mine/items/${item.item_id}`, { identity: bob });
  assert.equal(d.status, 404);
  assert.equal(((await shop.call('GET', '/rest/V1/carts/mine', { identity: alice })).body as { items: unknown[] }).items.length, 1);
});

test('guest carts: masked ids, items, totals and a guest order with an email', async () => {
  const created = await shop.call('POST', '/rest/V1/guest-carts', { identity: guest });
  assert.equal(created.status, 200);
  const masked = created.body as string;
  assert.match(masked, /^[A-Za-z0-9_-]{32}$/);
  const p = catalog.find((x) => x.qty > 2)!;
  const add = await shop.call('POST', `/rest/V1/guest-carts/${masked}/items`, { identity: guest, body: { cartItem: { sku: p.sku, qty: 2 } } });
  assert.deepEqual([add.status, (add.body as { quote_id: string }).quote_id], [200, masked]);
  const totals = await shop.call('GET', `/rest/V1/guest-carts/${masked}/totals`, { identity: guest });
  assert.equal((totals.body as { grand_total: number }).grand_total, p.price_cents * 2 / 100);
  const cart = await shop.call('GET', `/rest/V1/guest-carts/${masked}`, { identity: guest });
  assert.equal((cart.body as { customer_is_guest: boolean }).customer_is_guest, true);
  const noEmail = await shop.call('POST', `/rest/V1/guest-carts/${masked}/payment-information`, { identity: guest, body: { paymentMethod: { method: 'checkmo' } } });
  assert.deepEqual([noEmail.status, noEmail.body], [400, { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'email' } }]);
  const placed = await shop.call('POST', `/rest/V1/guest-carts/${masked}/payment-information`, { identity: guest, body: { email: 'guest@example.com', paymentMethod: { method: 'checkmo' } } });
  assert.equal(placed.status, 200);
  const wrong = await shop.call('GET', '/rest/V1/guest-carts/not-a-real-cart', { identity: guest });
  assert.deepEqual([wrong.status, wrong.body], [404, { message: 'No such entity with %fieldName = %fieldValue', parameters: { fieldName: 'cartId', fieldValue: 'not-a-real-cart' } }]);
  assert.equal((await shop.call('GET', `/rest/V1/guest-carts/${masked}`, { identity: guest })).status, 404, 'ordered carts are closed');
});

test('orders: admins and integrations need Magento_Sales::actions_view (a parent grants it)', async () => {
  const denied = { message: "The consumer isn't authorized to access %resources.", parameters: { resources: 'Magento_Sales::actions_view' } };
  for (const identity of [guest, customer('user-cart'), admin(['Magento_Catalog::products']), admin([]), { sub: 'int-1', user_type: 'integration', acl: ['Magento_Catalog::catalog'] }]) {
    const r = await shop.call('GET', '/rest/V1/orders', { identity });
    assert.deepEqual([r.status, r.body], [401, denied], JSON.stringify(identity));
  }
  for (const acl of [['Magento_Sales::actions_view'], ['Magento_Sales::sales'], ['Magento_Backend::admin']]) {
    const r = await shop.call('GET', '/rest/V1/orders?searchCriteria[sortOrders][0][field]=entity_id&searchCriteria[sortOrders][0][direction]=DESC', { identity: admin(acl) });
    assert.equal(r.status, 200, acl.join());
    const body = r.body as { total_count: number; items: Array<{ entity_id: number; customer_email: string }> };
    assert.ok(body.total_count >= 2);
    assert.ok(body.items[0]!.entity_id > body.items[1]!.entity_id);
  }
  const byEmail = await shop.call('GET', '/rest/V1/orders?searchCriteria[filter_groups][0][filters][0][field]=customer_email&searchCriteria[filter_groups][0][filters][0][value]=guest@example.com', { identity: admin(['Magento_Sales::actions_view']) });
  assert.deepEqual((byEmail.body as { items: Array<{ customer_is_guest: number }> }).items.map((o) => o.customer_is_guest), [1]);
  const missing = await shop.call('GET', '/rest/V1/orders/999999', { identity: admin(['Magento_Sales::actions_view']) });
  assert.deepEqual([missing.status, missing.body], [404, { message: "The entity that was requested doesn't exist. Verify the entity and try again.", parameters: [] }]);
});

test('requests without a valid gateway identity are refused with 401', async () => {
  const refused = { message: 'The request must come through the Deputy gateway with a valid identity.', parameters: [] };
  const { generateKeyPair } = await import('jose');
  const other = await generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  const bad: Array<[string, string | undefined]> = [
    ['missing', undefined],
    ['garbage', 'not-a-jwt'],
    ['wrong audience', await shop.mint(guest, { aud: 'mcp' })],
    ['wrong issuer', await shop.mint(guest, { iss: 'someone-else' })],
    ['wrong typ', await shop.mint(guest, { typ: 'JWT' })],
    ['expired', await shop.mint(guest, { exp: now - 30 })],
    ['foreign key', await shop.mint(guest, { key: other.privateKey })],
    ['unknown user_type', await shop.mint({ sub: 'x', user_type: 'root' })],
    ['acl not a list', await shop.mint({ sub: 'x', user_type: 'admin', acl: 'Magento_Backend::admin' })],
  ];
  for (const [name, token] of bad) {
    const r = await shop.call('GET', '/rest/V1/products', token === undefined ? {} : { identity: token });
    assert.deepEqual([r.status, r.body], [401, refused], name);
  }
  const bearer = await shop.call('GET', '/rest/V1/orders', { headers: { authorization: 'Bearer whatever', 'x-deputy-user': 'admin' } });
  assert.equal(bearer.status, 401);
  const health = await shop.call('GET', '/healthz');
  assert.deepEqual([health.status, health.body], [200, { status: 'ok', role: 'shop' }]);
});
