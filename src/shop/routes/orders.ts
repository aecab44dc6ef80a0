import type { FastifyInstance } from 'fastify';
import type { AclTree } from '../../magento/acl.ts';
import { requireAcl } from '../access.ts';
import type { ShopServices } from '../cart-service.ts';
import { MagentoError } from '../errors.ts';
import { orderJson } from '../format.ts';
import { identityOf } from '../identity.ts';
import { ORDER_FIELDS } from '../orders.ts';
import { criteriaToJson, parseSearchCriteria } from '../search-criteria.ts';

export const ORDERS_RESOURCE = 'Magento_Sales::actions_view';
const FIELDS = new Set(Object.keys(ORDER_FIELDS));

/** Admin and integration routes: the identity's `acl` claim must cover the resource. */
export function orderRoutes(app: FastifyInstance, s: ShopServices, acl: AclTree): void {
  app.get('/orders', async (request) => {
    requireAcl(acl, identityOf(request), ORDERS_RESOURCE);
    const criteria = parseSearchCriteria(request.query as Record<string, unknown>, { fields: FIELDS });
    const { orders, total } = await s.orders.search(criteria);
    return { items: orders.map(orderJson), search_criteria: criteriaToJson(criteria), total_count: total };
  });

  app.get<{ Params: { id: string } }>('/orders/:id', async (request) => {
    requireAcl(acl, identityOf(request), ORDERS_RESOURCE);
    const order = /^\d{1,12}$/.test(request.params.id) ? await s.orders.find(Number(request.params.id)) : undefined;
    if (!order) throw new MagentoError(404, "The entity that was requested doesn't exist. Verify the entity and try again.");
    return orderJson(order);
  });
}
