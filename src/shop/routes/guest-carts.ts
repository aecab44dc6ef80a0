import type { FastifyInstance, FastifyRequest } from 'fastify';
import { epochSeconds } from '../../platform/clock.ts';
import { addToCart, placeOrder, removeCartItem, updateCartItem, type ShopServices } from '../cart-service.ts';
import type { CartRow } from '../carts.ts';
import { noSuchEntity } from '../errors.ts';
import { cartJson, itemJson, sendJsonString, totalsJson } from '../format.ts';
import { sha256 } from '../../crypto/hash.ts';
import { randomToken } from '../../platform/ids.ts';

type CartParams = { Params: { cartId: string } };
type ItemParams = { Params: { cartId: string; itemId: string } };

/**
 * Guest carts are addressed by a random masked id, which is the only thing that grants
 * access to them; the shop stores its hash, never the id itself.
 */
export function guestCartRoutes(app: FastifyInstance, s: ShopServices): void {
  async function guestCart(request: FastifyRequest<CartParams>): Promise<CartRow> {
    const masked = request.params.cartId;
    const cart = masked.length <= 64 ? await s.carts.findGuest(sha256(masked)) : undefined;
    if (!cart) throw noSuchEntity('cartId', masked.slice(0, 64));
    return cart;
  }

  app.post('/guest-carts', async (_request, reply) => {
    const masked = randomToken(24);
    await s.carts.createGuest(sha256(masked), epochSeconds(s.clock));
    return sendJsonString(reply, masked);
  });

  app.get<CartParams>('/guest-carts/:cartId', async (request) => {
    const cart = await guestCart(request);
    return cartJson(cart, await s.carts.items(cart.id), request.params.cartId, undefined);
  });

  app.get<CartParams>('/guest-carts/:cartId/items', async (request) => {
    const cart = await guestCart(request);
    return (await s.carts.items(cart.id)).map((i) => itemJson(i, request.params.cartId));
  });

  app.post<CartParams>('/guest-carts/:cartId/items', async (request) => {
    const cart = await guestCart(request);
    return itemJson(await addToCart(s, cart, request.body), request.params.cartId);
  });

  app.put<ItemParams>('/guest-carts/:cartId/items/:itemId', async (request) => {
    const cart = await guestCart(request);
    return itemJson(await updateCartItem(s, cart, request.params.cartId, request.params.itemId, request.body), request.params.cartId);
  });

  app.delete<ItemParams>('/guest-carts/:cartId/items/:itemId', async (request) => {
    const cart = await guestCart(request);
    return removeCartItem(s, cart, request.params.cartId, request.params.itemId);
  });

  app.get<CartParams>('/guest-carts/:cartId/totals', async (request) => totalsJson(await s.carts.items((await guestCart(request)).id)));

  app.post<CartParams>('/guest-carts/:cartId/payment-information', async (request, reply) => {
    const order = await placeOrder(s, await guestCart(request), request.body, undefined);
    return sendJsonString(reply, String(order.id));
  });
}
