import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { DEFAULT_ACL_PATH, loadAclTree, parseAclTree } from '../../src/magento/acl.ts';
import { ConfigError } from '../../src/platform/errors.ts';

const acl = loadAclTree(DEFAULT_ACL_PATH);

test('the shipped tree is rooted at Magento_Backend::admin and holds the resources routes use', () => {
  assert.equal(acl.root.id, 'Magento_Backend::admin');
  for (const id of ['Magento_Catalog::products', 'Magento_Sales::sales', 'Magento_Sales::actions_view', 'Magento_Customer::customer', 'Magento_Cart::manage']) assert.ok(acl.has(id), id);
  assert.deepEqual(acl.roles.get('Catalog Managers'), ['Magento_Catalog::catalog']);
});

test('a granted parent grants its children, never its siblings or parent', () => {
  assert.equal(acl.isAllowed(['Magento_Sales::actions_view'], 'Magento_Sales::actions_view'), true);
  assert.equal(acl.isAllowed(['Magento_Sales::sales'], 'Magento_Sales::actions_view'), true);
  assert.equal(acl.isAllowed(['Magento_Backend::admin'], 'Magento_Cart::manage'), true);
  assert.equal(acl.isAllowed(['Magento_Sales::create'], 'Magento_Sales::actions_view'), false, 'sibling');
  assert.equal(acl.isAllowed(['Magento_Sales::actions_view'], 'Magento_Sales::sales'), false, 'child does not grant parent');
  assert.equal(acl.isAllowed(['Magento_Catalog::catalog'], 'Magento_Sales::actions_view'), false);
  assert.equal(acl.isAllowed([], 'Magento_Catalog::products'), false);
  assert.equal(acl.isAllowed(['Magento_Backend::admin'], 'Vendor_Unknown::thing'), false, 'unknown resources fail closed');
  assert.deepEqual(acl.expand(['Magento_Cart::cart']), ['Magento_Cart::cart', 'Magento_Cart::manage']);
});

test('invalid trees are refused with the exact key path', () => {
  const bad: Array<[string, string]> = [
    ['acl: { id: Magento_Catalog::catalog }', 'config: t.yaml: acl.id: the tree must be rooted at Magento_Backend::admin'],
    ['acl: { id: not-an-id }', 'config: t.yaml: acl.id: must look like Vendor_Module::resource'],
    ['acl: { id: Magento_Backend::admin, children: [{ id: A_B::c }, { id: A_B::c }] }', 'config: t.yaml: acl.children[1].id: duplicate ACL resource A_B::c'],
    ['acl: { id: Magento_Backend::admin, children: [{ id: A_B::c, kids: [] }] }', 'config: t.yaml: acl.children[0].kids: unknown key (expected one of: id, title, children)'],
    ['acl: { id: Magento_Backend::admin }\nroles: { Clerks: [A_B::missing] }', 'config: t.yaml: roles.Clerks[0]: unknown ACL resource A_B::missing'],
    ['acl: { id: Magento_Backend::admin }\nextra: 1', 'config: t.yaml: extra: unknown key'],
  ];
  for (const [yaml, message] of bad) {
    assert.throws(() => parseAclTree(parse(yaml), 't.yaml'), (e: unknown) => e instanceof ConfigError && e.message === message, yaml);
  }
});
