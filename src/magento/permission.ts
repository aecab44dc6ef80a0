import type { WebapiProfile, WebapiRoute } from './webapi-profile.ts';

// Route permission, Magento style: every resource of the route must be satisfied.
// Customers reach only anonymous and self; admins and integrations the ACL resources of
// their role or integration; OAuth 2.1 agents the ACL ids their scopes map to, and self
// routes for the customer they act for only where the route names an agentResource.

export type PrincipalType = 'guest' | 'customer' | 'admin' | 'integration' | 'agent';

export interface Principal {
  userType: PrincipalType;
  /** The customer acted for (customers; agents acting for a customer). */
  customerId?: string | undefined;
  /** The customer's active cart, when the caller knows it (fills %cart_id%). */
  cartId?: string | undefined;
  /** ACL ids of the admin's role or the integration (ignored for customers and guests). */
  acl?: readonly string[] | undefined;
  /** OAuth 2.1 scopes (agents); mapped to ACL ids through the profile. */
  scopes?: readonly string[] | undefined;
}

export const DENIAL_MESSAGE = "The consumer isn't authorized to access %resources.";

export type PermissionDecision =
  | { allowed: true; forced: Record<string, string>; unresolved: string[] }
  | { allowed: false; status: 401; message: typeof DENIAL_MESSAGE; parameters: { resources: string }; text: string; reason: string };

/** ACL ids granted by a set of OAuth scopes (unknown scopes grant nothing). */
export function scopesToAcl(profile: WebapiProfile, scopes: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const s of scopes) for (const id of profile.scopes.get(s) ?? []) out.add(id);
  return [...out];
}

/** Magento's denial with the resources filled in, e.g. for logs and plain-text clients. */
export function denialText(resources: readonly string[]): string {
  return DENIAL_MESSAGE.replace('%resources', resources.join(', '));
}

function grantedAcl(profile: WebapiProfile, p: Principal): Set<string> {
  if (p.userType === 'admin' || p.userType === 'integration') return new Set(p.acl ?? []);
  if (p.userType === 'agent') return new Set([...(p.acl ?? []), ...scopesToAcl(profile, p.scopes ?? [])]);
  return new Set();
}

function deny(resources: readonly string[], reason: string): PermissionDecision {
  const list = resources.join(', ');
  return { allowed: false, status: 401, message: DENIAL_MESSAGE, parameters: { resources: list }, text: denialText(resources), reason };
}

export function checkPermission(profile: WebapiProfile, route: WebapiRoute, principal: Principal, opts: { allowAnonymousGuestAccess?: boolean } = {}): PermissionDecision {
  const granted = grantedAcl(profile, principal);
  const allowAnonymous = opts.allowAnonymousGuestAccess ?? profile.allowAnonymousGuestAccess;
  const isCustomer = principal.userType === 'customer' && !!principal.customerId;
  for (const resource of route.resources) {
    if (resource === 'anonymous') {
      if (allowAnonymous || !route.guestFallback) continue;
      if (route.guestFallback.every((id) => profile.acl.isAllowed(granted, id))) continue;
      return deny(route.guestFallback, 'anonymous_access_disabled');
    }
    if (resource === 'self') {
      if (isCustomer) continue;
      const agentForCustomer = principal.userType === 'agent' && !!principal.customerId;
      if (agentForCustomer && route.agentResource && profile.acl.isAllowed(granted, route.agentResource)) continue;
      return deny(route.resources, agentForCustomer ? 'agent_scope_missing' : 'not_a_customer');
    }
    if (!profile.acl.isAllowed(granted, resource)) return deny(route.resources, 'acl_missing');
  }
  const forced: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const [name, value] of Object.entries(route.parameters)) {
    const v = value === '%customer_id%' ? principal.customerId : value === '%cart_id%' ? principal.cartId : value;
    if (v === undefined) unresolved.push(name); else forced[name] = v;
  }
  return { allowed: true, forced, unresolved };
}
