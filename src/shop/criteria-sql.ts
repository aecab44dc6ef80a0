import { sql, type Expression, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { inputError } from './errors.ts';
import type { ShopDatabase } from './schema.ts';
import type { Filter, SearchCriteria } from './search-criteria.ts';

// Turns parsed searchCriteria into SQL through a per-entity field whitelist, so no
// client-supplied name ever reaches the query as an identifier.

export interface FieldSpec { column: string; type: 'text' | 'int' | 'money' }
export type FieldMap = Record<string, FieldSpec>;

const MAX_IN_VALUES = 100;

function convert(value: string, spec: FieldSpec, field: string): string | number {
  const v = value.trim();
  if (spec.type === 'text') return value;
  if (spec.type === 'int') {
    if (!/^-?\d{1,12}$/.test(v)) throw inputError('"%fieldName" must be a number.', { fieldName: field });
    return Number(v);
  }
  if (!/^-?\d{1,10}(\.\d{1,4})?$/.test(v)) throw inputError('"%fieldName" must be a number.', { fieldName: field });
  return Math.round(Number(v) * 100);
}

function condition(f: Filter, fields: FieldMap): RawBuilder<SqlBool> {
  const spec = fields[f.field];
  if (!spec) throw inputError('"%fieldName" is not a valid field.', { fieldName: f.field });
  const col = sql.ref(spec.column);
  switch (f.conditionType) {
    case 'eq': return sql<SqlBool>`${col} = ${convert(f.value, spec, f.field)}`;
    case 'gteq': return sql<SqlBool>`${col} >= ${convert(f.value, spec, f.field)}`;
    case 'lteq': return sql<SqlBool>`${col} <= ${convert(f.value, spec, f.field)}`;
    case 'like':
      if (spec.type !== 'text') throw inputError('Condition type "like" is not supported for "%fieldName".', { fieldName: f.field });
      // Case-insensitive on both SQLite and PostgreSQL.
      return sql<SqlBool>`lower(${col}) like lower(${f.value})`;
    case 'in': {
      const values = f.value.split(',').map((v) => v.trim()).filter((v) => v !== '');
      if (values.length === 0) throw inputError('"%fieldName" needs at least one value for "in".', { fieldName: f.field });
      if (values.length > MAX_IN_VALUES) throw inputError('"%fieldName" accepts at most %max values for "in".', { fieldName: f.field, max: MAX_IN_VALUES });
      return sql<SqlBool>`${col} in (${sql.join(values.map((v) => convert(v, spec, f.field)))})`;
    }
  }
}

/** The WHERE expression for the criteria, or undefined when there are no filters. */
export function criteriaWhere(criteria: SearchCriteria, fields: FieldMap): Expression<SqlBool> | undefined {
  if (criteria.filterGroups.length === 0) return undefined;
  const groups = criteria.filterGroups.map((g) => sql<SqlBool>`(${sql.join(g.map((f) => condition(f, fields)), sql` or `)})`);
  return sql<SqlBool>`${sql.join(groups, sql` and `)}`;
}

/** ORDER BY items for the criteria, each a column reference and a direction. */
export function criteriaOrder(criteria: SearchCriteria, fields: FieldMap): Array<{ column: string; direction: 'asc' | 'desc' }> {
  return criteria.sortOrders.map((s) => {
    const spec = fields[s.field];
    if (!spec) throw inputError('"%fieldName" is not a valid field.', { fieldName: s.field });
    return { column: spec.column, direction: s.direction === 'DESC' ? 'desc' : 'asc' };
  });
}

/**
 * One page of `table` for the criteria (sorted as asked, then by id so pages are stable)
 * and how many rows match in all.
 */
export async function searchPage<T extends 'shop_products' | 'shop_orders'>(db: Kysely<ShopDatabase>, table: T, criteria: SearchCriteria, fields: FieldMap): Promise<{ rows: Array<Selectable<ShopDatabase[T]>>; total: number }> {
  const where = criteriaWhere(criteria, fields);
  // Typed as one of the tables (both have an integer `id`); `table` picks the real one.
  let base = db.selectFrom(table as 'shop_products');
  if (where) base = base.where(where);
  const totalRow = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  let q = base.selectAll();
  for (const o of criteriaOrder(criteria, fields)) q = q.orderBy(sql.ref(o.column), o.direction);
  const rows = await q.orderBy('id', 'asc').limit(criteria.pageSize).offset((criteria.currentPage - 1) * criteria.pageSize).execute();
  return { rows: rows as unknown as Array<Selectable<ShopDatabase[T]>>, total: Number(totalRow.n) };
}
