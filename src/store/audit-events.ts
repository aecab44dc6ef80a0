import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { isSqlite } from './dialect.ts';
import type { AuditEventsTable, Database } from './schema.ts';

export type AuditEventRow = Selectable<AuditEventsTable>;
export type NewAuditEventRow = Insertable<AuditEventsTable>;

export class AuditEventRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) { this.#db = db; }

  /**
   * One statement per batch with the rows as a single JSON parameter: the database
   * unpacks them in C (json_each / jsonb_array_elements), so the event loop no longer pays
   * for building and binding a thousand-row VALUES list (≈ 10 µs a request before).
   */
  async insertMany(rows: NewAuditEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(rows.map((r) => ({
      time: r.time, request_id: r.request_id ?? null, action: r.action, outcome: r.outcome,
      client_id: r.client_id ?? null, subject: r.subject ?? null, reason: r.reason ?? null, detail: r.detail ?? null,
    })));
    if (isSqlite(this.#db as Kysely<unknown>)) {
      await sql`insert into audit_events (time, request_id, action, outcome, client_id, subject, reason, detail)
        select value ->> '$.time', value ->> '$.request_id', value ->> '$.action', value ->> '$.outcome',
               value ->> '$.client_id', value ->> '$.subject', value ->> '$.reason', value ->> '$.detail'
        from json_each(${json}) order by key`.execute(this.#db);
    } else {
      await sql`insert into audit_events (time, request_id, action, outcome, client_id, subject, reason, detail)
        select (e.j ->> 'time')::bigint, e.j ->> 'request_id', e.j ->> 'action', e.j ->> 'outcome',
               e.j ->> 'client_id', e.j ->> 'subject', e.j ->> 'reason', e.j ->> 'detail'
        from jsonb_array_elements(${json}::jsonb) with ordinality as e(j, n)
        order by e.n`.execute(this.#db);
    }
  }

  async query(filter: { action?: string; clientId?: string; subject?: string; outcome?: string; since?: number; limit?: number } = {}): Promise<AuditEventRow[]> {
    let q = this.#db.selectFrom('audit_events').selectAll();
    if (filter.action) q = q.where('action', '=', filter.action);
    if (filter.clientId) q = q.where('client_id', '=', filter.clientId);
    if (filter.subject) q = q.where('subject', '=', filter.subject);
    if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
    if (filter.since !== undefined) q = q.where('time', '>=', filter.since);
    return q.orderBy('id', 'desc').limit(Math.min(filter.limit ?? 100, 10_000)).execute();
  }
}
