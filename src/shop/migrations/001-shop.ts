import { sql, type Kysely } from 'kysely';
import { isSqlite } from '../../store/dialect.ts';

// Portable types only so one migration serves SQLite and PostgreSQL.

export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = isSqlite(db);
  const id = (t: string) => db.schema.createTable(t)
    .addColumn('id', sqlite ? 'integer' : 'serial', (c) => (sqlite ? c.primaryKey().autoIncrement() : c.primaryKey()));

  await id('shop_products')
    .addColumn('sku', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'integer', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shop_products_category').on('shop_products').column('category').execute();

  await id('shop_customers')
    .addColumn('deputy_user_id', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('firstname', 'text', (c) => c.notNull())
    .addColumn('lastname', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await id('shop_carts')
    .addColumn('customer_id', 'integer', (c) => c.references('shop_customers.id'))
    .addColumn('masked_id_hash', 'text', (c) => c.unique())
    .addColumn('is_active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // At most one active cart per customer, even under concurrent "create cart" calls.
  await sql`CREATE UNIQUE INDEX shop_carts_one_active ON shop_carts (customer_id) WHERE is_active = 1`.execute(db);

  await id('shop_cart_items')
    .addColumn('cart_id', 'integer', (c) => c.notNull().references('shop_carts.id'))
    .addColumn('product_id', 'integer', (c) => c.notNull().references('shop_products.id'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'integer', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addUniqueConstraint('shop_cart_items_cart_sku', ['cart_id', 'sku'])
    .execute();

  await id('shop_orders')
    .addColumn('increment_id', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'integer', (c) => c.references('shop_customers.id'))
    .addColumn('customer_email', 'text', (c) => c.notNull())
    .addColumn('cart_id', 'integer', (c) => c.notNull().unique().references('shop_carts.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('subtotal_cents', 'integer', (c) => c.notNull())
    .addColumn('grand_total_cents', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shop_orders_customer').on('shop_orders').column('customer_id').execute();

  await id('shop_order_items')
    .addColumn('order_id', 'integer', (c) => c.notNull().references('shop_orders.id'))
    .addColumn('product_id', 'integer', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'integer', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('row_total_cents', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shop_order_items_order').on('shop_order_items').column('order_id').execute();

  await id('shop_payments')
    .addColumn('order_id', 'integer', (c) => c.notNull().unique().references('shop_orders.id'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('card_token', 'text')
    .addColumn('card_last4', 'text')
    .addColumn('card_brand', 'text')
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['shop_payments', 'shop_order_items', 'shop_orders', 'shop_cart_items', 'shop_carts', 'shop_customers', 'shop_products']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
