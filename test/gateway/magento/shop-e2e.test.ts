import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UserService } from '../../../src/auth/users/user-service.ts';
import { ApiKeyStore } from '../../../src/gateway/api-keys.ts';
import { createGatewayServer } from '../../../src/gateway/server.ts';
import { PASSWORD } from '../../magento/auth/helpers.ts';
import { postJson, send } from '../../helpers/http.ts';
import { denied, json, startStack, type Stack } from './stack.ts';

// Customer tokens from the token service through the gateway, the webapi profile enforced
// at the gateway (guests, customers, admins, agents by scope), forced parameters.

const IN_STOCK = 'searchCriteria[filter_groups][0][filters][0][field]=qty&searchCriteria[filter_groups][0][filters][0][value]=5&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq';

describe('Magento through the gateway', () => {
  let s: Stack;
  let carol: string;
  before(async () => {
    s = await startStack();
    await new UserService(s.srv.rt).create({ username: 'dave@example.com', type: 'customer', password: PASSWORD });
    carol = (await postJson(`${s.rest}/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD })).json as string;
  });
  after(() => s.close());

  it('customer token via the gateway → search → cart → order', async () => {
    assert.match(carol, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const viaStore = await postJson(`${s.gwBase}/rest/default/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD });
    assert.equal(viaStore.status, 200, viaStore.text);
    const products = await send(`${s.rest}/products?searchCriteria[pageSize]=2&${IN_STOCK}`, { headers: json(carol) });
    assert.equal(products.status, 200, products.text);
    assert.equal(products.json.items.length, 2);
    const sku = products.json.items[0].sku as string;
    assert.equal((await send(`${s.rest}/carts/mine`, { method: 'POST', headers: json(carol) })).status, 200);
    const item = await send(`${s.rest}/carts/mine/items`, { method: 'POST', headers: json(carol), body: JSON.stringify({ cartItem: { sku, qty: 1 } }) });
    assert.equal(item.status, 200, item.text);
    assert.equal(item.json.sku, sku);
    const order = await send(`${s.rest}/carts/mine/payment-information`, { method: 'POST', headers: json(carol), body: JSON.stringify({ paymentMethod: { method: 'checkmo' } }) });
    assert.equal(order.status, 200, order.text);
    assert.match(order.json, /^\d+$/);
    const refused = await send(`${s.rest}/orders/${order.json}`, { headers: json(carol) });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(refused.json, denied('Magento_Sales::actions_view'));
  });

  it('a wrong password through the gateway gets the token service\'s Magento error', async () => {
    const r = await postJson(`${s.rest}/integration/customer/token`, { username: 'carol@example.com', password: 'nope' });
    assert.equal(r.status, 401);
    assert.equal(typeof r.json.message, 'string');
  });

  it('guests see only anonymous routes', async () => {
    const list = await send(`${s.rest}/products?searchCriteria[pageSize]=1`);
    assert.equal(list.status, 200, list.text);
    const guestCart = await send(`${s.rest}/guest-carts`, { method: 'POST' });
    assert.equal(guestCart.status, 200, guestCart.text);
    for (const [method, path, resources] of [['POST', '/carts/mine', 'self'], ['GET', '/customers/me', 'self'], ['GET', '/orders', 'Magento_Sales::actions_view'], ['GET', '/carts/1', 'Magento_Cart::manage']] as const) {
      const r = await send(`${s.rest}${path}`, { method });
      assert.equal(r.status, 401, `${method} ${path}`);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.deepEqual(r.json, denied(resources), `${method} ${path}`);
    }
    const echoed = s.echo.seen.length;
    assert.equal((await send(`${s.gwBase}/V1/orders`)).status, 401);
    assert.equal(s.echo.seen.length, echoed, 'a denied request never reaches the upstream');
    const unknown = await send(`${s.rest}/teleport`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, { message: 'Request does not match any route.', parameters: [] });
  });

  it('a customer cannot reach another customer\'s cart by changing ids', async () => {
    const dave = (await postJson(`${s.rest}/integration/customer/token`, { username: 'dave@example.com', password: PASSWORD })).json as string;
    const daveCart = (await send(`${s.rest}/carts/mine`, { method: 'POST', headers: json(dave) })).json as string | number;
    const read = await send(`${s.rest}/carts/${daveCart}`, { headers: json(carol) });
    assert.equal(read.status, 401);
    assert.deepEqual(read.json, denied('Magento_Cart::manage'));
    const items = await send(`${s.rest}/carts/${daveCart}/items`, { headers: json(carol) });
    assert.equal(items.status, 404, 'no such route in the profile');
    // A quote_id in the body is removed: the item lands in carol's own cart.
    const sku = (await send(`${s.rest}/products?searchCriteria[pageSize]=1&${IN_STOCK}`, { headers: json(carol) })).json.items[0].sku as string;
    await send(`${s.rest}/carts/mine`, { method: 'POST', headers: json(carol) });
    const added = await send(`${s.rest}/carts/mine/items`, { method: 'POST', headers: json(carol), body: JSON.stringify({ cartItem: { sku, qty: 1, quote_id: String(daveCart) } }) });
    assert.equal(added.status, 200, added.text);
    assert.notEqual(String(added.json.quote_id), String(daveCart));
    const daveItems = await send(`${s.rest}/carts/mine/items`, { headers: json(dave) });
    assert.deepEqual(daveItems.json, []);
    // Forced parameters at the gateway: the client's customerId is overwritten, quote_id dropped.
    const me = await send(`${s.gwBase}/V1/customers/me?customerId=999`, { headers: json(carol) });
    assert.equal(me.status, 200);
    assert.equal(me.json.url, `/V1/customers/me?customerId=${s.srv.customerId}`);
    const echoedItem = await send(`${s.gwBase}/V1/carts/mine/items`, { method: 'POST', headers: json(carol), body: JSON.stringify({ cartItem: { sku: 'x', qty: 1, quote_id: '77' } }) });
    assert.deepEqual(JSON.parse(echoedItem.json.body), { cartItem: { sku: 'x', qty: 1 } });
  });

  it('admins reach their role\'s ACL resources, never self routes', async () => {
    await s.m.admins.upsert(s.srv.adminId, { role: 'Sales Clerks' }, 0);
    const admin = (await postJson(`${s.rest}/integration/admin/token`, { username: 'root', password: PASSWORD })).json as string;
    assert.equal((await send(`${s.rest}/orders`, { headers: json(admin) })).status, 200);
    const self = await send(`${s.rest}/carts/mine`, { method: 'POST', headers: json(admin) });
    assert.equal(self.status, 401);
    assert.deepEqual(self.json, denied('self'));
    const cart = await send(`${s.gwBase}/V1/carts/1`, { headers: json(admin) });
    assert.equal(cart.status, 401);
    assert.deepEqual(cart.json, denied('Magento_Cart::manage'));
  });

  it('OAuth 2.1 scopes map onto ACL ids (an agent key with orders:read)', async () => {
    const keys = new ApiKeyStore(s.srv.rt.store.db as never);
    const now = Math.floor(Date.now() / 1000);
    const { key } = await keys.create({ name: 'reporting agent', clientId: 'reporter', userType: 'agent', scope: 'orders:read', ttl: 3600 }, now);
    const orders = await send(`${s.gwBase}/V1/orders`, { headers: json(key) });
    assert.equal(orders.status, 200, orders.text);
    const id = s.echo.seen.at(-1)!.identity;
    assert.equal(id.user_type, 'agent');
    assert.equal(id.scope, 'orders:read');
    const me = await send(`${s.gwBase}/V1/customers/me`, { headers: json(key) });
    assert.equal(me.status, 401);
    assert.deepEqual(me.json, denied('self'));
  });

  it('anonymous guest access off: the catalog needs Magento_Catalog::products', async () => {
    const cfg = s.config();
    const echo = cfg.routes.find((r) => r.id === 'echo')!;
    echo.webapi = { ...echo.webapi!, allowAnonymousGuestAccess: false };
    const g = await createGatewayServer(s.srv.rt, { config: cfg, rateLimitPrefix: `off-${Date.now()}` });
    s.extraGateways.push(g);
    await g.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(g.app.server.address() as { port: number }).port}`;
    const guest = await send(`${base}/V1/products`);
    assert.equal(guest.status, 401);
    assert.deepEqual(guest.json, denied('Magento_Catalog::products'));
    const { key } = await new ApiKeyStore(s.srv.rt.store.db as never).create({ name: 'catalog agent', clientId: 'browser', userType: 'agent', scope: 'catalog:read', ttl: 3600 }, Math.floor(Date.now() / 1000));
    assert.equal((await send(`${base}/V1/products`, { headers: json(key) })).status, 200);
    assert.equal((await send(`${s.gwBase}/V1/products`)).status, 200, 'the other gateway keeps the profile default (on)');
  });
});
