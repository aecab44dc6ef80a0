import type { AclTree } from '../magento/acl.ts';
import { epochSeconds } from '../platform/clock.ts';
import type { ShopServices } from './cart-service.ts';
import type { CustomerRow } from './customers.ts';
import { notAuthorized } from './errors.ts';
import type { ShopIdentity } from './identity.ts';

// Who may do what inside the shop: "self" routes act for the identity's customer only
// (never an id from the request), admin routes need the ACL resource from the token.

/** The caller's own customer row, created on first sight; 401 when no customer is known. */
export async function currentCustomer(s: ShopServices, id: ShopIdentity): Promise<CustomerRow> {
  // Only customers, and agents acting for one, are ever "self"; admins and guests are not.
  if (!id.customerId || (id.userType !== 'customer' && id.userType !== 'agent')) throw notAuthorized('self');
  const fallbackEmail = `customer-${id.customerId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64)}@customers.invalid`;
  return s.customers.ensure(id.customerId, {
    email: id.email ?? fallbackEmail,
    firstname: id.givenName ?? 'Customer',
    lastname: id.familyName ?? id.customerId.slice(0, 255),
  }, epochSeconds(s.clock));
}

/** Admins and integrations reach a resource when their `acl` claim covers it in the tree. */
export function requireAcl(acl: AclTree, id: ShopIdentity, resource: string): void {
  if (id.userType === 'customer' || id.userType === 'guest' || !acl.isAllowed(id.acl, resource)) throw notAuthorized(resource);
}
