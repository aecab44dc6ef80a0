import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { rejectUnknown } from '../config/check.ts';
import { ConfigError } from '../platform/errors.ts';

// Magento's ACL tree: a granted resource grants all its descendants. Unknown resources
// are never allowed (fail closed). Pure apart from reading the file in loadAclTree.

export const ACL_ROOT = 'Magento_Backend::admin';
const ID = /^[A-Za-z][A-Za-z0-9_]*::[A-Za-z0-9_]+$/;

export interface AclNode { id: string; title: string; children: AclNode[] }

export class AclTree {
  readonly root: AclNode;
  readonly roles: ReadonlyMap<string, readonly string[]>;
  readonly #parent = new Map<string, string | undefined>();

  constructor(root: AclNode, roles: Record<string, string[]> = {}, source = 'acl') {
    this.root = root;
    const walk = (n: AclNode, parent: string | undefined): void => {
      this.#parent.set(n.id, parent);
      for (const c of n.children) walk(c, n.id);
    };
    walk(root, undefined);
    for (const [name, ids] of Object.entries(roles)) {
      ids.forEach((id, i) => { if (!this.has(id)) throw new ConfigError(`${source}: roles.${name}[${i}]`, `unknown ACL resource ${id}`); });
    }
    this.roles = new Map(Object.entries(roles));
  }

  has(resource: string): boolean { return this.#parent.has(resource); }

  /** All ids, root first (depth first). */
  ids(): string[] { return [...this.#parent.keys()]; }

  /** True when `resource` or one of its ancestors is among `granted`. */
  isAllowed(granted: Iterable<string>, resource: string): boolean {
    if (!this.has(resource)) return false;
    const set = granted instanceof Set ? (granted as Set<string>) : new Set(granted);
    for (let r: string | undefined = resource; r !== undefined; r = this.#parent.get(r)) {
      if (set.has(r)) return true;
    }
    return false;
  }

  /** Everything the granted ids cover, descendants included (for display and tokens). */
  expand(granted: Iterable<string>): string[] {
    const set = new Set(granted);
    return this.ids().filter((id) => this.isAllowed(set, id));
  }
}

function node(raw: unknown, path: string, seen: Set<string>): AclNode {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(path, 'must be a mapping with id, title and optional children');
  const r = raw as Record<string, unknown>;
  rejectUnknown(r, path, ['id', 'title', 'children']);
  if (typeof r.id !== 'string' || !ID.test(r.id)) throw new ConfigError(`${path}.id`, 'must look like Vendor_Module::resource');
  if (seen.has(r.id)) throw new ConfigError(`${path}.id`, `duplicate ACL resource ${r.id}`);
  seen.add(r.id);
  const title = r.title === undefined ? r.id : r.title;
  if (typeof title !== 'string') throw new ConfigError(`${path}.title`, 'must be a string');
  const kids = r.children ?? [];
  if (!Array.isArray(kids)) throw new ConfigError(`${path}.children`, 'must be a list');
  return { id: r.id, title, children: kids.map((c, i) => node(c, `${path}.children[${i}]`, seen)) };
}

/** Builds and validates a tree from parsed YAML; `source` prefixes error paths. */
export function parseAclTree(doc: unknown, source = 'acl.yaml'): AclTree {
  if (typeof doc !== 'object' || doc === null) throw new ConfigError(source, 'must be a mapping with acl and roles');
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!['acl', 'roles'].includes(k)) throw new ConfigError(`${source}: ${k}`, 'unknown key');
  const root = node(d.acl, `${source}: acl`, new Set());
  if (root.id !== ACL_ROOT) throw new ConfigError(`${source}: acl.id`, `the tree must be rooted at ${ACL_ROOT}`);
  const rolesRaw = d.roles ?? {};
  if (typeof rolesRaw !== 'object' || rolesRaw === null || Array.isArray(rolesRaw)) throw new ConfigError(`${source}: roles`, 'must be a mapping of role name to resource ids');
  const roles: Record<string, string[]> = {};
  for (const [name, ids] of Object.entries(rolesRaw)) {
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new ConfigError(`${source}: roles.${name}`, 'must be a list of resource ids');
    roles[name] = ids as string[];
  }
  return new AclTree(root, roles, source);
}

export function loadAclTree(path: string): AclTree {
  return parseAclTree(parse(readFileSync(path, 'utf8')), path);
}

/** The ACL tree shipped in config/magento/acl.yaml. */
export const DEFAULT_ACL_PATH = new URL('../../config/magento/acl.yaml', import.meta.url).pathname;
