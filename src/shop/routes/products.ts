import type { FastifyInstance } from 'fastify';
import type { ShopServices } from '../cart-service.ts';
import { productNotFound } from '../errors.ts';
import { productJson } from '../format.ts';
import { PRODUCT_FIELDS } from '../products.ts';
import { criteriaToJson, parseSearchCriteria } from '../search-criteria.ts';

const FIELDS = new Set(Object.keys(PRODUCT_FIELDS));

/** The catalog is anonymous: any verified identity may read it (guests included). */
export function productRoutes(app: FastifyInstance, s: ShopServices): void {
  app.get('/products', async (request) => {
    const criteria = parseSearchCriteria(request.query as Record<string, unknown>, { fields: FIELDS });
    const { rows, total } = await s.products.search(criteria);
    return { items: rows.map(productJson), search_criteria: criteriaToJson(criteria), total_count: total };
  });

  app.get<{ Params: { sku: string } }>('/products/:sku', async (request) => {
    const product = await s.products.findBySku(request.params.sku);
    if (!product) throw productNotFound();
    return productJson(product);
  });
}
