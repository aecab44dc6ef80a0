import type { FastifyReply } from 'fastify';
import type { CartItemRow, CartRow } from './carts.ts';
import type { CustomerRow } from './customers.ts';
import type { FullOrder } from './orders.ts';
import type { ProductRow } from './products.ts';

// Rows → Magento's JSON shapes. Money leaves the database as integer cents.

export const CURRENCY = 'USD';
export const money = (cents: number): number => Math.round(cents) / 100;

/** Magento's timestamp format, UTC: 2024-05-01 12:34:56. */
export function magentoDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

export function productJson(p: ProductRow): Record<string, unknown> {
  return {
    id: p.id, sku: p.sku, name: p.name, attribute_set_id: 4, price: money(p.price_cents), status: 1, visibility: 4,
    type_id: 'simple', created_at: magentoDate(p.created_at), updated_at: magentoDate(p.created_at),
    extension_attributes: { website_ids: [1], stock_item: { qty: p.qty, is_in_stock: p.qty > 0 } },
    custom_attributes: [{ attribute_code: 'category', value: p.category }],
  };
}

export function customerJson(c: CustomerRow): Record<string, unknown> {
  return {
    id: c.id, group_id: 1, created_at: magentoDate(c.created_at), updated_at: magentoDate(c.updated_at), created_in: 'Default Store View',
    email: c.email, firstname: c.firstname, lastname: c.lastname, store_id: 1, website_id: 1, addresses: [], disable_auto_group_change: 0,
  };
}

export function itemJson(i: CartItemRow, quoteId: string): Record<string, unknown> {
  return { item_id: i.id, sku: i.sku, qty: i.qty, name: i.name, price: money(i.price_cents), product_type: 'simple', quote_id: quoteId };
}

export function cartJson(cart: CartRow, items: CartItemRow[], quoteId: string, customer: CustomerRow | undefined): Record<string, unknown> {
  return {
    id: cart.id, created_at: magentoDate(cart.created_at), updated_at: magentoDate(cart.updated_at), is_active: cart.is_active === 1, is_virtual: false,
    items: items.map((i) => itemJson(i, quoteId)), items_count: items.length, items_qty: items.reduce((n, i) => n + i.qty, 0),
    customer: customer ? { id: customer.id, email: customer.email, firstname: customer.firstname, lastname: customer.lastname } : { email: null, firstname: null, lastname: null },
    customer_is_guest: !customer,
    currency: { global_currency_code: CURRENCY, base_currency_code: CURRENCY, store_currency_code: CURRENCY, quote_currency_code: CURRENCY },
  };
}

/** Totals: no tax, shipping or discounts in the demo store, so grand total = subtotal. */
export function totalsJson(items: CartItemRow[]): Record<string, unknown> {
  const subtotal = money(items.reduce((n, i) => n + i.price_cents * i.qty, 0));
  return {
    grand_total: subtotal, base_grand_total: subtotal, subtotal, base_subtotal: subtotal, discount_amount: 0, base_discount_amount: 0,
    subtotal_with_discount: subtotal, shipping_amount: 0, base_shipping_amount: 0, tax_amount: 0, base_tax_amount: 0,
    base_currency_code: CURRENCY, quote_currency_code: CURRENCY, items_qty: items.reduce((n, i) => n + i.qty, 0),
    items: items.map((i) => ({ item_id: i.id, price: money(i.price_cents), base_price: money(i.price_cents), qty: i.qty, row_total: money(i.price_cents * i.qty), base_row_total: money(i.price_cents * i.qty), name: i.name })),
    total_segments: [
      { code: 'subtotal', title: 'Subtotal', value: subtotal },
      { code: 'shipping', title: 'Shipping & Handling', value: 0 },
      { code: 'tax', title: 'Tax', value: 0 },
      { code: 'grand_total', title: 'Grand Total', value: subtotal },
    ],
  };
}

export function orderJson({ order: o, items, payment }: FullOrder): Record<string, unknown> {
  return {
    entity_id: o.id, increment_id: o.increment_id, customer_id: o.customer_id, customer_email: o.customer_email, customer_is_guest: o.customer_id === null ? 1 : 0,
    state: o.state, status: o.status, base_currency_code: CURRENCY, order_currency_code: CURRENCY,
    subtotal: money(o.subtotal_cents), grand_total: money(o.grand_total_cents), base_grand_total: money(o.grand_total_cents),
    total_qty_ordered: items.reduce((n, i) => n + i.qty, 0), created_at: magentoDate(o.created_at),
    items: items.map((i) => ({ item_id: i.id, order_id: o.id, product_id: i.product_id, sku: i.sku, name: i.name, product_type: 'simple', qty_ordered: i.qty, price: money(i.price_cents), row_total: money(i.row_total_cents) })),
    payment: payment ? { method: payment.method, cc_last4: payment.card_last4, cc_type: payment.card_brand, amount_ordered: money(payment.amount_cents) } : null,
  };
}

/** A bare JSON string body (Magento returns ids and masked ids this way). */
export function sendJsonString(reply: FastifyReply, value: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
}
