import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { searchPage, type FieldMap } from './criteria-sql.ts';
import { MagentoError } from './errors.ts';
import type { CartItemRow } from './carts.ts';
import type { OrderItemsTable, OrdersTable, PaymentsTable, ShopDatabase } from './schema.ts';
import type { SearchCriteria } from './search-criteria.ts';

export type OrderRow = Selectable<OrdersTable>;
export type OrderItemRow = Selectable<OrderItemsTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export interface FullOrder { order: OrderRow; items: OrderItemRow[]; payment: PaymentRow | undefined }

export const ORDER_FIELDS: FieldMap = {
  entity_id: { column: 'id', type: 'int' },
  increment_id: { column: 'increment_id', type: 'text' },
  customer_id: { column: 'customer_id', type: 'int' },
  customer_email: { column: 'customer_email', type: 'text' },
  status: { column: 'status', type: 'text' },
  state: { column: 'state', type: 'text' },
  grand_total: { column: 'grand_total_cents', type: 'money' },
  created_at: { column: 'created_at', type: 'int' },
};

export interface PlaceOrder {
  cartId: number;
  items: CartItemRow[];
  customerId: number | null;
  email: string;
  payment: { method: string; cardToken: string | null; cardLast4: string | null; cardBrand: string | null };
}

/** Thrown inside the transaction so that nothing of a failed placement is kept. */
class OutOfStock extends MagentoError {
  constructor(sku: string) { super(400, 'The requested qty is not available', { sku }); }
}

export class OrderRepository {
  readonly #db: Kysely<ShopDatabase>;
  constructor(db: Kysely<ShopDatabase>) { this.#db = db; }

  /**
   * Places an order atomically: stock is decremented only where enough remains, the cart
   * is deactivated exactly once, and order, items and payment are written together.
   */
  async place(p: PlaceOrder, now: number): Promise<OrderRow> {
    if (p.items.length === 0) throw new MagentoError(400, "The cart doesn't contain any items. Add items and try again.");
    return this.#db.transaction().execute(async (trx) => {
      const closed = await trx.updateTable('shop_carts').set({ is_active: 0, updated_at: now }).where('id', '=', p.cartId).where('is_active', '=', 1).executeTakeFirst();
      if (Number(closed.numUpdatedRows) !== 1) throw new MagentoError(400, 'The cart is no longer active.');
      let subtotal = 0;
      for (const item of p.items) {
        const r = await trx.updateTable('shop_products').set((eb) => ({ qty: eb('qty', '-', item.qty) }))
          .where('id', '=', item.product_id).where('qty', '>=', item.qty).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw new OutOfStock(item.sku);
        subtotal += item.price_cents * item.qty;
      }
      const inserted = await trx.insertInto('shop_orders').values({
        increment_id: `pending-${randomUUID()}`, customer_id: p.customerId, customer_email: p.email, cart_id: p.cartId,
        state: 'new', status: 'pending', subtotal_cents: subtotal, grand_total_cents: subtotal, created_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      const orderId = inserted.id;
      await trx.updateTable('shop_orders').set({ increment_id: String(orderId).padStart(9, '0') }).where('id', '=', orderId).execute();
      await trx.insertInto('shop_order_items').values(p.items.map((i) => ({
        order_id: orderId, product_id: i.product_id, sku: i.sku, name: i.name, price_cents: i.price_cents, qty: i.qty, row_total_cents: i.price_cents * i.qty,
      }))).execute();
      await trx.insertInto('shop_payments').values({
        order_id: orderId, method: p.payment.method, card_token: p.payment.cardToken, card_last4: p.payment.cardLast4,
        card_brand: p.payment.cardBrand, amount_cents: subtotal, created_at: now,
      }).execute();
      return trx.selectFrom('shop_orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
    });
  }

  async find(id: number): Promise<FullOrder | undefined> {
    const order = await this.#db.selectFrom('shop_orders').selectAll().where('id', '=', id).executeTakeFirst();
    if (!order) return undefined;
    const [full] = await this.#withDetails([order]);
    return full;
  }

  async search(criteria: SearchCriteria): Promise<{ orders: FullOrder[]; total: number }> {
    const { rows, total } = await searchPage(this.#db, 'shop_orders', criteria, ORDER_FIELDS);
    return { orders: await this.#withDetails(rows), total };
  }

  async #withDetails(orders: OrderRow[]): Promise<FullOrder[]> {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.id);
    const items = await this.#db.selectFrom('shop_order_items').selectAll().where('order_id', 'in', ids).orderBy('id').execute();
    const payments = await this.#db.selectFrom('shop_payments').selectAll().where('order_id', 'in', ids).execute();
    return orders.map((order) => ({
      order,
      items: items.filter((i) => i.order_id === order.id),
      payment: payments.find((p) => p.order_id === order.id),
    }));
  }
}
