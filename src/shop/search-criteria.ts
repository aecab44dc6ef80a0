import { inputError } from './errors.ts';

// Magento's searchCriteria in bracketed query syntax, e.g.
//   searchCriteria[filter_groups][0][filters][0][field]=price
//   searchCriteria[filter_groups][0][filters][0][value]=10
//   searchCriteria[filter_groups][0][filters][0][condition_type]=gteq
// Filters inside a group are ORed, groups are ANDed. Pure: no database.

export const CONDITION_TYPES = ['eq', 'like', 'gteq', 'lteq', 'in'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface Filter { field: string; value: string; conditionType: ConditionType }
export interface SortOrder { field: string; direction: 'ASC' | 'DESC' }
export interface SearchCriteria {
  filterGroups: Filter[][];
  sortOrders: SortOrder[];
  pageSize: number;
  currentPage: number;
}

export interface CriteriaLimits {
  fields: ReadonlySet<string>;
  maxPageSize?: number;
  defaultPageSize?: number;
}

const MAX_ENTRIES = 20;
type Tree = { [k: string]: Tree | string };

function segments(key: string): string[] | undefined {
  const rest = key.slice('searchCriteria'.length);
  const parts: string[] = [];
  const re = /\[([^[\]]*)\]/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < rest.length && (m = re.exec(rest))) parts.push(m[1] as string);
  return re.lastIndex === rest.length && parts.length > 0 ? parts : undefined;
}

function buildTree(query: Record<string, unknown>): Tree {
  const root: Tree = {};
  for (const [key, raw] of Object.entries(query)) {
    if (!key.startsWith('searchCriteria')) continue;
    const path = segments(key);
    if (!path) throw inputError('"%fieldName" is not a valid searchCriteria parameter.', { fieldName: key });
    if (typeof raw !== 'string') throw inputError('"%fieldName" is given more than once.', { fieldName: key });
    let node = root;
    path.forEach((seg, i) => {
      const last = i === path.length - 1;
      const existing = node[seg];
      if (last) {
        if (existing !== undefined) throw inputError('"%fieldName" is given more than once.', { fieldName: key });
        node[seg] = raw;
      } else if (existing === undefined) {
        node = node[seg] = {};
      } else if (typeof existing === 'string') {
        throw inputError('"%fieldName" is not a valid searchCriteria parameter.', { fieldName: key });
      } else {
        node = existing;
      }
    });
  }
  return root;
}

/** The entries of a `[0]…[n]` list in index order. */
function list(node: Tree | string | undefined, name: string): Tree[] {
  if (node === undefined) return [];
  if (typeof node === 'string') throw inputError('"%fieldName" must be a list.', { fieldName: name });
  const keys = Object.keys(node);
  if (keys.length > MAX_ENTRIES) throw inputError('"%fieldName" has more than %max entries.', { fieldName: name, max: MAX_ENTRIES });
  if (!keys.every((k) => /^\d{1,3}$/.test(k))) throw inputError('"%fieldName" must be a list.', { fieldName: name });
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => {
    const v = node[k];
    if (typeof v !== 'object') throw inputError('"%fieldName" must be a list.', { fieldName: name });
    return v;
  });
}

function str(node: Tree, key: string, where: string): string | undefined {
  const v = node[key];
  if (v !== undefined && typeof v !== 'string') throw inputError('"%fieldName" is not a valid searchCriteria parameter.', { fieldName: `${where}[${key}]` });
  return v;
}

function onlyKeys(node: Tree, allowed: string[], where: string): void {
  for (const k of Object.keys(node)) {
    if (!allowed.includes(k)) throw inputError('"%fieldName" is not a valid searchCriteria parameter.', { fieldName: `${where}[${k}]` });
  }
}

function positiveInt(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw inputError('"%fieldName" must be a positive integer.', { fieldName: name });
  return Number(v);
}

function checkField(field: string | undefined, limits: CriteriaLimits, where: string): string {
  if (!field) throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: `${where}[field]` });
  if (!limits.fields.has(field)) throw inputError('"%fieldName" is not a valid field.', { fieldName: field });
  return field;
}

export function parseSearchCriteria(query: Record<string, unknown>, limits: CriteriaLimits): SearchCriteria {
  const max = limits.maxPageSize ?? 300;
  const tree = buildTree(query);
  onlyKeys(tree, ['filter_groups', 'filterGroups', 'sortOrders', 'sort_orders', 'pageSize', 'page_size', 'currentPage', 'current_page'], 'searchCriteria');
  const filterGroups = list(tree.filter_groups ?? tree.filterGroups, 'searchCriteria[filter_groups]').map((group, g) => {
    const where = `searchCriteria[filter_groups][${g}]`;
    onlyKeys(group, ['filters'], where);
    return list(group.filters, `${where}[filters]`).map((f, i): Filter => {
      const fw = `${where}[filters][${i}]`;
      onlyKeys(f, ['field', 'value', 'condition_type', 'conditionType'], fw);
      const field = checkField(str(f, 'field', fw), limits, fw);
      const value = str(f, 'value', fw);
      if (value === undefined) throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: `${fw}[value]` });
      const type = str(f, 'condition_type', fw) ?? str(f, 'conditionType', fw) ?? 'eq';
      if (!(CONDITION_TYPES as readonly string[]).includes(type)) throw inputError('Invalid condition type: %conditionType', { conditionType: type });
      return { field, value, conditionType: type as ConditionType };
    });
  }).filter((g) => g.length > 0);
  const sortOrders = list(tree.sortOrders ?? tree.sort_orders, 'searchCriteria[sortOrders]').map((s, i): SortOrder => {
    const where = `searchCriteria[sortOrders][${i}]`;
    onlyKeys(s, ['field', 'direction'], where);
    const field = checkField(str(s, 'field', where), limits, where);
    const direction = (str(s, 'direction', where) ?? 'ASC').toUpperCase();
    if (direction !== 'ASC' && direction !== 'DESC') throw inputError('Sort order direction must be ASC or DESC.', { direction });
    return { field, direction };
  });
  const pageSizeRaw = str(tree, 'pageSize', 'searchCriteria') ?? str(tree, 'page_size', 'searchCriteria');
  const pageSize = positiveInt(pageSizeRaw, 'searchCriteria[pageSize]', limits.defaultPageSize ?? 20);
  if (pageSize > max) throw inputError('Maximum SearchCriteria pageSize is %max', { max });
  const currentPage = positiveInt(str(tree, 'currentPage', 'searchCriteria') ?? str(tree, 'current_page', 'searchCriteria'), 'searchCriteria[currentPage]', 1);
  return { filterGroups, sortOrders, pageSize, currentPage };
}

/** The criteria as Magento echoes them in `search_criteria`. */
export function criteriaToJson(c: SearchCriteria): Record<string, unknown> {
  const out: Record<string, unknown> = {
    filter_groups: c.filterGroups.map((g) => ({ filters: g.map((f) => ({ field: f.field, value: f.value, condition_type: f.conditionType })) })),
  };
  if (c.sortOrders.length) out.sort_orders = c.sortOrders.map((s) => ({ field: s.field, direction: s.direction }));
  out.page_size = c.pageSize;
  out.current_page = c.currentPage;
  return out;
}
