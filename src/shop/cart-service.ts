import type { CartItemRow, CartRepository, CartRow } from './carts.ts';
import type { CustomerRepository } from './customers.ts';
import { inputError, MagentoError, productNotFound } from './errors.ts';
import type { OrderRepository, OrderRow } from './orders.ts';
import { tokenisePayment } from './payments.ts';
import type { ProductRepository } from './products.ts';
import { epochSeconds, type Clock } from '../platform/clock.ts';

// Cart operations shared by customer carts (/carts/mine) and guest carts. Prices always
// come from the catalog: a client-sent price is ignored, as Magento does.

export interface ShopServices {
  products: ProductRepository;
  customers: CustomerRepository;
  carts: CartRepository;
  orders: OrderRepository;
  clock: Clock;
}

export const MAX_LINE_QTY = 10_000;

function object(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: name });
  return v as Record<string, unknown>;
}

/** A whole quantity between 1 and MAX_LINE_QTY; numeric strings are accepted, as Magento does. */
export function parseQty(v: unknown): number {
  const n = typeof v === 'string' && /^\s*\d+(\.0+)?\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LINE_QTY) {
    throw inputError('"%fieldName" must be a whole number between 1 and %max.', { fieldName: 'qty', max: MAX_LINE_QTY });
  }
  return n;
}

function itemMissing(cartId: string, itemId: string): MagentoError {
  return new MagentoError(404, "The %1 Cart doesn't contain the %2 item.", [cartId, itemId]);
}

export async function addToCart(s: ShopServices, cart: CartRow, body: unknown): Promise<CartItemRow> {
  const item = object(object(body, 'body').cartItem, 'cartItem');
  if (typeof item.sku !== 'string' || item.sku === '') throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: 'sku' });
  const qty = parseQty(item.qty);
  const product = await s.products.findBySku(item.sku);
  if (!product) throw productNotFound();
  if (product.qty <= 0) throw inputError('Product that you are trying to add is not available.', { sku: product.sku });
  const existing = await s.carts.findItemBySku(cart.id, product.sku);
  if ((existing?.qty ?? 0) + qty > product.qty) throw inputError('The requested qty is not available', { sku: product.sku });
  return s.carts.addItem(cart.id, product, qty, epochSeconds(s.clock));
}

export async function updateCartItem(s: ShopServices, cart: CartRow, quoteId: string, itemIdRaw: string, body: unknown): Promise<CartItemRow> {
  const item = object(object(body, 'body').cartItem, 'cartItem');
  const qty = parseQty(item.qty);
  const existing = /^\d{1,12}$/.test(itemIdRaw) ? await s.carts.findItem(cart.id, Number(itemIdRaw)) : undefined;
  if (!existing) throw itemMissing(quoteId, itemIdRaw);
  const product = await s.products.findBySku(existing.sku);
  if (!product || qty > product.qty) throw inputError('The requested qty is not available', { sku: existing.sku });
  await s.carts.setItemQty(cart.id, existing.id, qty, epochSeconds(s.clock));
  return { ...existing, qty };
}

export async function removeCartItem(s: ShopServices, cart: CartRow, quoteId: string, itemIdRaw: string): Promise<true> {
  const removed = /^\d{1,12}$/.test(itemIdRaw) && await s.carts.removeItem(cart.id, Number(itemIdRaw), epochSeconds(s.clock));
  if (!removed) throw itemMissing(quoteId, itemIdRaw);
  return true;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;
export function validEmail(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 254 && EMAIL.test(v);
}

/** Places the order for `cart`; a guest must give an email in the body. */
export async function placeOrder(s: ShopServices, cart: CartRow, body: unknown, customer: { id: number; email: string } | undefined): Promise<OrderRow> {
  const b = object(body, 'body');
  const payment = tokenisePayment(b.paymentMethod, new Date(s.clock.now()));
  let email = customer?.email;
  if (!customer) {
    if (!validEmail(b.email)) throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: 'email' });
    email = b.email;
  }
  return s.orders.place({ cartId: cart.id, items: await s.carts.items(cart.id), customerId: customer?.id ?? null, email: email as string, payment }, epochSeconds(s.clock));
}
