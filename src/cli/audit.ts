import { parseArgs } from 'node:util';
import type { Runtime } from '../runtime.ts';
import { isoTime, table, UsageError, type Output } from './output.ts';

export const AUDIT_HELP = `deputy audit [--action A] [--client ID] [--subject S] [--outcome O] [--limit N] [--json]

Lists audit events, newest first.`;

export async function auditCommand(rt: Runtime, argv: string[], out: Output): Promise<number> {
  const { values: v } = parseArgs({ args: argv, options: { action: { type: 'string' }, client: { type: 'string' }, subject: { type: 'string' }, outcome: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
  if (v.limit !== undefined && !/^\d+$/.test(v.limit)) throw new UsageError('--limit must be a number');
  const rows = await rt.repos.auditEvents.query({
    ...(v.action ? { action: v.action } : {}), ...(v.client ? { clientId: v.client } : {}), ...(v.subject ? { subject: v.subject } : {}),
    ...(v.outcome ? { outcome: v.outcome } : {}), limit: v.limit ? Number(v.limit) : 50,
  });
  const events = rows.map((r) => ({ id: r.id, time: isoTime(r.time), action: r.action, outcome: r.outcome, client_id: r.client_id, subject: r.subject, reason: r.reason, request_id: r.request_id, detail: r.detail ? JSON.parse(r.detail) as unknown : null }));
  out.result(events, (e: typeof events) => table(e, ['id', 'time', 'action', 'outcome', 'client_id', 'subject', 'reason']));
  return 0;
}
