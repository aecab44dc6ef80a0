import type { Kysely, Selectable } from 'kysely';
import { searchPage, type FieldMap } from './criteria-sql.ts';
import type { GeneratedProduct } from './catalog-generator.ts';
import type { ProductsTable, ShopDatabase } from './schema.ts';
import type { SearchCriteria } from './search-criteria.ts';

export type ProductRow = Selectable<ProductsTable>;

/** searchCriteria field names a client may filter and sort products by. */
export const PRODUCT_FIELDS: FieldMap = {
  entity_id: { column: 'id', type: 'int' },
  id: { column: 'id', type: 'int' },
  sku: { column: 'sku', type: 'text' },
  name: { column: 'name', type: 'text' },
  price: { column: 'price_cents', type: 'money' },
  category: { column: 'category', type: 'text' },
  qty: { column: 'qty', type: 'int' },
};

export class ProductRepository {
  readonly #db: Kysely<ShopDatabase>;
  constructor(db: Kysely<ShopDatabase>) { this.#db = db; }

  async count(): Promise<number> {
    const r = await this.#db.selectFrom('shop_products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Inserts in one transaction, in batches (SQLite caps bound parameters per statement). */
  async insertMany(products: GeneratedProduct[], now: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < products.length; i += 100) {
        await trx.insertInto('shop_products').values(products.slice(i, i + 100).map((p) => ({ ...p, created_at: now }))).execute();
      }
    });
  }

  async findBySku(sku: string): Promise<ProductRow | undefined> {
    return this.#db.selectFrom('shop_products').selectAll().where('sku', '=', sku).executeTakeFirst();
  }

  async search(criteria: SearchCriteria): Promise<{ rows: ProductRow[]; total: number }> {
    return searchPage(this.#db, 'shop_products', criteria, PRODUCT_FIELDS);
  }
}
