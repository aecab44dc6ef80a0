// The one SQLite INSERT of an audit row, shared by the repository (Kysely, in-process)
// and the audit writer thread (node:sqlite directly).
import type { NewAuditEventRow } from './audit-events.ts';

export const SQLITE_AUDIT_INSERT = 'insert into audit_events (time, request_id, action, outcome, client_id, subject, reason, detail) values (?, ?, ?, ?, ?, ?, ?, ?)';

export type AuditRowValues = [number, string | null, string, string, string | null, string | null, string | null, string | null];

export function auditRowValues(r: NewAuditEventRow): AuditRowValues {
  return [r.time, r.request_id ?? null, r.action, r.outcome, r.client_id ?? null, r.subject ?? null, r.reason ?? null, r.detail ?? null];
}
