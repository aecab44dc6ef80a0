import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { CartItemsTable, CartsTable, ShopDatabase } from './schema.ts';
import type { ProductRow } from './products.ts';

export type CartRow = Selectable<CartsTable>;
export type CartItemRow = Selectable<CartItemsTable>;

/** Carts (Magento "quotes") and their items. Quantities are validated by the caller. */
export class CartRepository {
  readonly #db: Kysely<ShopDatabase>;
  constructor(db: Kysely<ShopDatabase>) { this.#db = db; }

  async activeForCustomer(customerId: number): Promise<CartRow | undefined> {
    return this.#db.selectFrom('shop_carts').selectAll().where('customer_id', '=', customerId).where('is_active', '=', 1).executeTakeFirst();
  }

  /** The customer's active cart, created if there is none (one per customer, race-safe). */
  async ensureForCustomer(customerId: number, now: number): Promise<CartRow> {
    const found = await this.activeForCustomer(customerId);
    if (found) return found;
    await this.#db.insertInto('shop_carts')
      .values({ customer_id: customerId, masked_id_hash: null, is_active: 1, created_at: now, updated_at: now })
      // A literal predicate: SQLite only matches a partial index against the same literal.
      .onConflict((oc) => oc.column('customer_id').where(sql<SqlBool>`is_active = 1`).doNothing())
      .execute();
    const row = await this.activeForCustomer(customerId);
    if (!row) throw new Error('cart vanished after insert');
    return row;
  }

  async createGuest(maskedIdHash: string, now: number): Promise<void> {
    await this.#db.insertInto('shop_carts').values({ customer_id: null, masked_id_hash: maskedIdHash, is_active: 1, created_at: now, updated_at: now }).execute();
  }

  async findGuest(maskedIdHash: string): Promise<CartRow | undefined> {
    return this.#db.selectFrom('shop_carts').selectAll().where('masked_id_hash', '=', maskedIdHash).where('is_active', '=', 1).executeTakeFirst();
  }

  async items(cartId: number): Promise<CartItemRow[]> {
    return this.#db.selectFrom('shop_cart_items').selectAll().where('cart_id', '=', cartId).orderBy('id').execute();
  }

  async findItem(cartId: number, itemId: number): Promise<CartItemRow | undefined> {
    return this.#db.selectFrom('shop_cart_items').selectAll().where('cart_id', '=', cartId).where('id', '=', itemId).executeTakeFirst();
  }

  async findItemBySku(cartId: number, sku: string): Promise<CartItemRow | undefined> {
    return this.#db.selectFrom('shop_cart_items').selectAll().where('cart_id', '=', cartId).where('sku', '=', sku).executeTakeFirst();
  }

  /** Adds `qty` of a product; a product already in the cart has its quantity raised. */
  async addItem(cartId: number, product: ProductRow, qty: number, now: number): Promise<CartItemRow> {
    await this.#db.insertInto('shop_cart_items')
      .values({ cart_id: cartId, product_id: product.id, sku: product.sku, name: product.name, price_cents: product.price_cents, qty })
      .onConflict((oc) => oc.columns(['cart_id', 'sku']).doUpdateSet((eb) => ({ qty: eb('shop_cart_items.qty', '+', eb.ref('excluded.qty')), price_cents: eb.ref('excluded.price_cents') })))
      .execute();
    await this.touch(cartId, now);
    const item = await this.findItemBySku(cartId, product.sku);
    if (!item) throw new Error('cart item vanished after insert');
    return item;
  }

  async setItemQty(cartId: number, itemId: number, qty: number, now: number): Promise<boolean> {
    const r = await this.#db.updateTable('shop_cart_items').set({ qty }).where('cart_id', '=', cartId).where('id', '=', itemId).executeTakeFirst();
    await this.touch(cartId, now);
    return Number(r.numUpdatedRows) > 0;
  }

  async removeItem(cartId: number, itemId: number, now: number): Promise<boolean> {
    const r = await this.#db.deleteFrom('shop_cart_items').where('cart_id', '=', cartId).where('id', '=', itemId).executeTakeFirst();
    await this.touch(cartId, now);
    return Number(r.numDeletedRows) > 0;
  }

  async touch(cartId: number, now: number): Promise<void> {
    await this.#db.updateTable('shop_carts').set({ updated_at: now }).where('id', '=', cartId).execute();
  }
}
