import type { Generated } from 'kysely';

// The demo store's own database. Money is integer cents; times are epoch seconds.

export interface ProductsTable {
  id: Generated<number>;
  sku: string;
  name: string;
  category: string;
  price_cents: number;
  qty: number;
  created_at: number;
}

export interface CustomersTable {
  id: Generated<number>;
  /** The Deputy user id (identity token `customer_id`, else `sub`). */
  deputy_user_id: string;
  email: string;
  firstname: string;
  lastname: string;
  created_at: number;
  updated_at: number;
}

export interface CartsTable {
  id: Generated<number>;
  customer_id: number | null;
  /** sha256 of a guest cart's masked id; the masked id itself is a bearer capability. */
  masked_id_hash: string | null;
  is_active: number;
  created_at: number;
  updated_at: number;
}

export interface CartItemsTable {
  id: Generated<number>;
  cart_id: number;
  product_id: number;
  sku: string;
  name: string;
  price_cents: number;
  qty: number;
}

export interface OrdersTable {
  id: Generated<number>;
  increment_id: string;
  customer_id: number | null;
  customer_email: string;
  cart_id: number;
  state: string;
  status: string;
  subtotal_cents: number;
  grand_total_cents: number;
  created_at: number;
}

export interface OrderItemsTable {
  id: Generated<number>;
  order_id: number;
  product_id: number;
  sku: string;
  name: string;
  price_cents: number;
  qty: number;
  row_total_cents: number;
}

export interface PaymentsTable {
  id: Generated<number>;
  order_id: number;
  method: string;
  /** Opaque random token standing for the card; the card number is never stored. */
  card_token: string | null;
  card_last4: string | null;
  card_brand: string | null;
  amount_cents: number;
  created_at: number;
}

export interface ShopDatabase {
  shop_products: ProductsTable;
  shop_customers: CustomersTable;
  shop_carts: CartsTable;
  shop_cart_items: CartItemsTable;
  shop_orders: OrdersTable;
  shop_order_items: OrderItemsTable;
  shop_payments: PaymentsTable;
}
