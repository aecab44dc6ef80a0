import type { FastifyInstance, FastifyRequest } from 'fastify';
import { epochSeconds } from '../../platform/clock.ts';
import { currentCustomer } from '../access.ts';
import { addToCart, placeOrder, removeCartItem, updateCartItem, type ShopServices } from '../cart-service.ts';
import type { CartRow } from '../carts.ts';
import type { CustomerRow } from '../customers.ts';
import { noSuchEntity } from '../errors.ts';
import { cartJson, itemJson, sendJsonString, totalsJson } from '../format.ts';
import { identityOf } from '../identity.ts';

type ItemParams = { Params: { itemId: string } };

/** /carts/mine: the cart is always the caller's own active cart (forced %cart_id%). */
export function myCartRoutes(app: FastifyInstance, s: ShopServices): void {
  async function mine(request: FastifyRequest): Promise<{ customer: CustomerRow; cart: CartRow }> {
    const customer = await currentCustomer(s, identityOf(request));
    const cart = await s.carts.activeForCustomer(customer.id);
    if (!cart) throw noSuchEntity('customerId', customer.id);
    return { customer, cart };
  }

  app.post('/carts/mine', async (request) => {
    const customer = await currentCustomer(s, identityOf(request));
    return (await s.carts.ensureForCustomer(customer.id, epochSeconds(s.clock))).id;
  });

  app.get('/carts/mine', async (request) => {
    const { customer, cart } = await mine(request);
    return cartJson(cart, await s.carts.items(cart.id), String(cart.id), customer);
  });

  app.get('/carts/mine/items', async (request) => {
    const { cart } = await mine(request);
    return (await s.carts.items(cart.id)).map((i) => itemJson(i, String(cart.id)));
  });

  app.post('/carts/mine/items', async (request) => {
    const { cart } = await mine(request);
    return itemJson(await addToCart(s, cart, request.body), String(cart.id));
  });

  app.put<ItemParams>('/carts/mine/items/:itemId', async (request) => {
    const { cart } = await mine(request);
    return itemJson(await updateCartItem(s, cart, String(cart.id), request.params.itemId, request.body), String(cart.id));
  });

  app.delete<ItemParams>('/carts/mine/items/:itemId', async (request) => {
    const { cart } = await mine(request);
    return removeCartItem(s, cart, String(cart.id), request.params.itemId);
  });

  app.get('/carts/mine/totals', async (request) => {
    const { cart } = await mine(request);
    return totalsJson(await s.carts.items(cart.id));
  });

  app.post('/carts/mine/payment-information', async (request, reply) => {
    const { customer, cart } = await mine(request);
    const order = await placeOrder(s, cart, request.body, customer);
    // Magento answers with the new order's id as a JSON string.
    return sendJsonString(reply, String(order.id));
  });
}
