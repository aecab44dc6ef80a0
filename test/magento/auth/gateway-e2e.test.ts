import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { createGatewayServer } from '../../../src/gateway/server.ts';
import { createShopServer } from '../../../src/shop/server.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { freePort } from '../../helpers/auth-server.ts';
import { postJson, send } from '../../helpers/http.ts';
import { magentoAuth, magentoServer, PASSWORD } from './helpers.ts';

// Magento tokens from the auth server, used through the real gateway against the demo shop.

test('customer and admin tokens through the gateway: shop as a customer, orders need the admin ACL, revocation bites', async (t) => {
  const [gwPort, shopPort] = [await freePort(), await freePort()];
  const srv = await magentoServer({ adminTotp: false }, { config: { ports: { gateway: gwPort, shop: shopPort } } });
  const gw = await createGatewayServer(srv.rt);
  await gw.app.listen({ host: '127.0.0.1', port: gwPort });
  const shop = await createShopServer({ log: silentLogger(), bodyLimit: 65536, db: { file: ':memory:' }, identity: { audience: 'shop', jwks: createLocalJWKSet(JSON.parse(gw.identityJwks) as JSONWebKeySet) } });
  await shop.app.listen({ host: '127.0.0.1', port: shopPort });
  t.after(async () => { await gw.close(); await shop.close(); await srv.close(); });
  const m = magentoAuth(srv.rt);
  await m.admins.upsert(srv.adminId, { role: 'Sales Clerks' }, 0);

  const gwBase = `http://127.0.0.1:${gwPort}/rest/V1`;
  const customer = (await postJson(`${srv.issuer}/rest/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD })).json as string;
  const admin = (await postJson(`${srv.issuer}/rest/V1/integration/admin/token`, { username: 'root', password: PASSWORD })).json as string;
  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  const inStock = 'searchCriteria[filter_groups][0][filters][0][field]=qty&searchCriteria[filter_groups][0][filters][0][value]=5&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq';
  const products = await send(`${gwBase}/products?searchCriteria[pageSize]=2&${inStock}`, { headers: as(customer) });
  assert.equal(products.status, 200, products.text);
  const sku = products.json.items[0].sku as string;
  const cart = await send(`${gwBase}/carts/mine`, { method: 'POST', headers: as(customer) });
  assert.equal(cart.status, 200, cart.text);
  const item = await send(`${gwBase}/carts/mine/items`, { method: 'POST', headers: as(customer), body: JSON.stringify({ cartItem: { sku, qty: 1 } }) });
  assert.equal(item.status, 200, item.text);
  const order = await send(`${gwBase}/carts/mine/payment-information`, { method: 'POST', headers: as(customer), body: JSON.stringify({ paymentMethod: { method: 'checkmo' } }) });
  assert.equal(order.status, 200, order.text);
  assert.match(order.json, /^\d+$/);

  const denied = await send(`${gwBase}/orders/${order.json}`, { headers: as(customer) });
  assert.equal(denied.status, 401);
  assert.deepEqual(denied.json, { message: "The consumer isn't authorized to access %resources.", parameters: { resources: 'Magento_Sales::actions_view' } });
  const seen = await send(`${gwBase}/orders/${order.json}`, { headers: as(admin) });
  assert.equal(seen.status, 200, seen.text);
  assert.equal(String(seen.json.entity_id), order.json);
  const adminCart = await send(`${gwBase}/carts/mine`, { method: 'POST', headers: as(admin) });
  assert.equal(adminCart.status, 401, 'an admin token is not a customer');
  assert.deepEqual(adminCart.json, { message: "The consumer isn't authorized to access %resources.", parameters: { resources: 'self' } });

  srv.clock.advance(2000);
  await m.tokens.revokeUserTokens((await m.users.find(srv.customerId))!);
  const revoked = await send(`${gwBase}/carts/mine`, { method: 'POST', headers: as(customer) });
  assert.equal(revoked.status, 401);
  assert.match(revoked.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  srv.clock.advance(1000);
  const fresh = (await postJson(`${srv.issuer}/rest/V1/integration/customer/token`, { username: 'carol@example.com', password: PASSWORD })).json as string;
  assert.equal((await send(`${gwBase}/carts/mine`, { method: 'POST', headers: as(fresh) })).status, 200, 'a token issued after the revocation works');
});
