import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_ACL_PATH, loadAclTree } from '../../src/magento/acl.ts';
import { checkPermission, denialText, scopesToAcl, type Principal } from '../../src/magento/permission.ts';
import { DEFAULT_WEBAPI_PATH, loadWebapiProfile, magentoRoutePath, matchRoute, parseWebapiProfile } from '../../src/magento/webapi-profile.ts';
import { ConfigError } from '../../src/platform/errors.ts';

const profile = loadWebapiProfile(DEFAULT_WEBAPI_PATH);
const acl = loadAclTree(DEFAULT_ACL_PATH);

function check(method: string, url: string, p: Principal, opts?: { allowAnonymousGuestAccess?: boolean }) {
  const m = matchRoute(profile, method, url);
  assert.ok(m, `${method} ${url} is in the profile`);
  return checkPermission(profile, m.route, p, opts);
}
const denied = (resources: string) => ({ allowed: false, status: 401, message: "The consumer isn't authorized to access %resources.", parameters: { resources } });
const pick = (d: object) => { const { allowed, status, message, parameters } = d as Record<string, unknown>; return { allowed, status, message, parameters }; };

test('routes match with or without /rest and a store code; static segments beat parameters', () => {
  assert.equal(magentoRoutePath('/rest/V1/products?x=1'), '/V1/products');
  assert.equal(magentoRoutePath('/rest/default/V1/products/abc'), '/V1/products/abc');
  assert.equal(magentoRoutePath('/V1/orders'), '/V1/orders');
  assert.equal(magentoRoutePath('/admin/V1/orders'), undefined);
  assert.equal(matchRoute(profile, 'GET', '/rest/V1/carts/mine')?.route.path, '/V1/carts/mine');
  assert.deepEqual(matchRoute(profile, 'GET', '/rest/V1/carts/42')?.params, { cartId: '42' });
  assert.deepEqual(matchRoute(profile, 'put', '/rest/all/V1/carts/mine/items/7')?.params, { itemId: '7' });
  assert.equal(matchRoute(profile, 'PATCH', '/rest/V1/products'), undefined);
  assert.equal(matchRoute(profile, 'GET', '/rest/V1/products/'), undefined);
});

test('guests reach only anonymous routes', () => {
  const g: Principal = { userType: 'guest' };
  assert.deepEqual(check('GET', '/rest/V1/products', g), { allowed: true, forced: {}, unresolved: [] });
  assert.equal(check('POST', '/rest/V1/guest-carts', g).allowed, true);
  assert.deepEqual(pick(check('GET', '/rest/V1/carts/mine', g)), denied('self'));
  assert.deepEqual(pick(check('GET', '/rest/V1/orders', { userType: 'guest', acl: ['Magento_Backend::admin'] })), denied('Magento_Sales::actions_view'), 'a guest\'s acl claim counts for nothing');
});

test('customers reach anonymous and self, with %customer_id% and %cart_id% forced from the caller', () => {
  const c: Principal = { userType: 'customer', customerId: '17', cartId: '5', acl: ['Magento_Backend::admin'] };
  assert.deepEqual(check('GET', '/rest/V1/customers/me', c), { allowed: true, forced: { customerId: '17' }, unresolved: [] });
  assert.deepEqual(check('POST', '/rest/V1/carts/mine/items', c), { allowed: true, forced: { 'cartItem.quote_id': '5' }, unresolved: [] });
  assert.deepEqual(check('GET', '/rest/V1/carts/mine/totals', { userType: 'customer', customerId: '17' }), { allowed: true, forced: {}, unresolved: ['cartId'] });
  assert.deepEqual(pick(check('GET', '/rest/V1/carts/5', c)), denied('Magento_Cart::manage'), 'another cart by id is an admin route');
  assert.deepEqual(pick(check('GET', '/rest/V1/orders', c)), denied('Magento_Sales::actions_view'), 'customers never reach ACL resources');
});

test('admins and integrations reach the ACL resources they hold, honouring the tree', () => {
  assert.equal(check('GET', '/rest/V1/orders/1', { userType: 'admin', acl: ['Magento_Sales::sales'] }).allowed, true);
  assert.equal(check('GET', '/rest/V1/orders', { userType: 'integration', acl: ['Magento_Backend::admin'] }).allowed, true);
  const catalogOnly: Principal = { userType: 'integration', acl: ['Magento_Catalog::catalog'] };
  assert.deepEqual(pick(check('GET', '/rest/V1/orders', catalogOnly)), denied('Magento_Sales::actions_view'));
  assert.deepEqual(pick(check('GET', '/rest/V1/carts/mine', { userType: 'admin', acl: ['Magento_Backend::admin'] })), denied('self'), 'admins are never "self"');
});

test('agents: scopes map to ACL ids; self routes need the customer and the route\'s agentResource', () => {
  assert.deepEqual(scopesToAcl(profile, ['catalog:read', 'orders:read', 'bogus']), ['Magento_Catalog::products', 'Magento_Sales::actions_view']);
  const shopper: Principal = { userType: 'agent', customerId: '17', scopes: ['cart:write', 'checkout'] };
  assert.equal(check('POST', '/rest/V1/carts/mine/items', shopper).allowed, true);
  assert.equal(check('POST', '/rest/V1/carts/mine/payment-information', shopper).allowed, true);
  assert.deepEqual(pick(check('GET', '/rest/V1/customers/me', shopper)), denied('self'));
  assert.equal((check('GET', '/rest/V1/customers/me', shopper) as { reason: string }).reason, 'agent_scope_missing');
  assert.deepEqual(pick(check('PUT', '/rest/V1/customers/me', { ...shopper, scopes: ['profile:read'] })), denied('self'), 'profile:read does not grant writes');
  assert.deepEqual(pick(check('POST', '/rest/V1/carts/mine/items', { userType: 'agent', scopes: ['cart:write'] })), denied('self'), 'no customer, no self');
  assert.equal(check('GET', '/rest/V1/orders', { userType: 'agent', scopes: ['orders:read'] }).allowed, true);
  assert.deepEqual(pick(check('GET', '/rest/V1/orders', { userType: 'agent', scopes: ['catalog:read'] })), denied('Magento_Sales::actions_view'));
});

test('with anonymous guest access off, catalog routes need their fallback resources', () => {
  const off = { allowAnonymousGuestAccess: false };
  assert.deepEqual(pick(check('GET', '/rest/V1/products', { userType: 'guest' }, off)), denied('Magento_Catalog::products'));
  assert.deepEqual(pick(check('GET', '/rest/V1/products', { userType: 'customer', customerId: '1' }, off)), denied('Magento_Catalog::products'));
  assert.equal(check('GET', '/rest/V1/products', { userType: 'agent', scopes: ['catalog:read'] }, off).allowed, true);
  assert.equal(check('GET', '/rest/V1/products/x', { userType: 'admin', acl: ['Magento_Catalog::catalog'] }, off).allowed, true);
  assert.equal(check('POST', '/rest/V1/guest-carts', { userType: 'guest' }, off).allowed, true, 'routes without a fallback stay anonymous');
});

test('the denial names the resources as Magento does', () => {
  assert.equal(denialText(['Magento_Sales::actions_view']), "The consumer isn't authorized to access Magento_Sales::actions_view.");
  assert.equal(denialText(['A_B::c', 'D_E::f']), "The consumer isn't authorized to access A_B::c, D_E::f.");
  assert.equal((check('GET', '/rest/V1/orders', { userType: 'guest' }) as { text: string }).text, "The consumer isn't authorized to access Magento_Sales::actions_view.");
});

test('invalid profiles are refused with the exact key path', () => {
  const route = (r: string) => `routes:\n  - ${r}`;
  const bad: Array<[string, string]> = [
    [route('{ method: FETCH, path: /V1/x, resources: [anonymous] }'), 'config: w.yaml: routes[0].method: must be one of GET, POST, PUT, DELETE, PATCH'],
    [route('{ method: GET, path: /rest/V1/x, resources: [anonymous] }'), 'config: w.yaml: routes[0].path: must look like /V1/segment/:param'],
    [route('{ method: GET, path: /V1/x, resources: [] }'), 'config: w.yaml: routes[0].resources: must be a non-empty list'],
    [route('{ method: GET, path: /V1/x, resources: [Magento_Nope::x] }'), 'config: w.yaml: routes[0].resources[0]: must be anonymous, self or a known ACL resource (got Magento_Nope::x)'],
    [route('{ method: GET, path: /V1/x, resources: [anonymous, self] }'), 'config: w.yaml: routes[0].resources: anonymous cannot be combined with other resources'],
    [route("{ method: GET, path: /V1/x, resources: [self], parameters: { customerId: '%user%' } }"), 'config: w.yaml: routes[0].parameters.customerId: unknown placeholder %user% (expected %customer_id% or %cart_id%)'],
    [route('{ method: GET, path: /V1/x, resources: [anonymous], agentResource: Magento_Cart::manage }'), 'config: w.yaml: routes[0].agentResource: only applies to routes with the self resource'],
    [route('{ method: GET, path: /V1/x, resources: [self], guestFallback: [Magento_Cart::manage] }'), 'config: w.yaml: routes[0].guestFallback: only applies to anonymous routes'],
    [route('{ method: GET, path: /V1/x, resources: [self], agentResource: Nope_X::y }'), 'config: w.yaml: routes[0].agentResource[0]: unknown ACL resource Nope_X::y'],
    [route('{ method: GET, path: /V1/x, resources: [anonymous], force: {} }'), 'config: w.yaml: routes[0].force: unknown key (expected one of: method, path, resources, parameters, agentResource, guestFallback)'],
    [`${route('{ method: GET, path: /V1/a/:x, resources: [anonymous] }')}\n  - { method: GET, path: /V1/a/:y, resources: [anonymous] }`, 'config: w.yaml: routes[1]: duplicate route GET /V1/a/:y'],
    ['routes: []', 'config: w.yaml: routes: must be a non-empty list'],
    [`scopes: { 'bad scope': [Magento_Cart::manage] }\n${route('{ method: GET, path: /V1/x, resources: [anonymous] }')}`, 'config: w.yaml: scopes.bad scope: is not a valid OAuth scope token'],
    [`scopes: { cart:write: [Magento_Cart::nope] }\n${route('{ method: GET, path: /V1/x, resources: [anonymous] }')}`, 'config: w.yaml: scopes.cart:write[0]: unknown ACL resource Magento_Cart::nope'],
    [`options: { allowAnonymousGuestAccess: 'yes' }\n${route('{ method: GET, path: /V1/x, resources: [anonymous] }')}`, 'config: w.yaml: options.allowAnonymousGuestAccess: must be true or false'],
  ];
  for (const [yaml, message] of bad) {
    assert.throws(() => parseWebapiProfile(parse(yaml), acl, 'w.yaml'), (e: unknown) => e instanceof ConfigError && e.message === message, `${yaml}\n→ expected ${message}`);
  }
});

test('loadWebapiProfile resolves the ACL file next to the profile and reports a missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webapi-'));
  try {
    writeFileSync(join(dir, 'tree.yaml'), 'acl: { id: Magento_Backend::admin, children: [{ id: Shop_X::read }] }\n');
    writeFileSync(join(dir, 'w.yaml'), 'acl: tree.yaml\nroutes:\n  - { method: GET, path: /V1/x, resources: [Shop_X::read] }\n');
    const p = loadWebapiProfile(join(dir, 'w.yaml'));
    assert.equal(checkPermission(p, p.routes[0]!, { userType: 'integration', acl: ['Magento_Backend::admin'] }).allowed, true);
    writeFileSync(join(dir, 'no-acl.yaml'), 'routes:\n  - { method: GET, path: /V1/x, resources: [anonymous] }\n');
    assert.throws(() => loadWebapiProfile(join(dir, 'no-acl.yaml')), (e: unknown) => e instanceof ConfigError && e.path === `${join(dir, 'no-acl.yaml')}: acl`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
