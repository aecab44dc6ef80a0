import { BatchPool } from '../platform/batch-pool.ts';
import { auditRowValues, type AuditRowValues } from '../store/audit-insert-sqlite.ts';
import type { NewAuditEventRow } from '../store/audit-events.ts';
import type { AuditSink } from './audit-log.ts';

/**
 * Audit batches for a file-backed SQLite store, written by a worker thread
 * (sqlite-audit-worker.ts) so the event loop pays for one message a batch, not for the
 * inserts and checkpoints. The thread starts with the first batch; if it dies, the
 * batch it held fails (the audit log keeps it) and a new thread takes the next one.
 */
export class SqliteAuditWriter implements AuditSink {
  readonly #pool: BatchPool<AuditRowValues[], string | null>;

  constructor(file: string) {
    // One batch a message: each is its own transaction, and the audit log sends one at a time.
    this.#pool = new BatchPool(new URL('./sqlite-audit-worker.ts', import.meta.url), { size: 1, maxBatch: 1, maxInflight: 1, name: 'audit writer', workerData: { file } });
  }

  async insertMany(rows: NewAuditEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    const error = await this.#pool.run(rows.map(auditRowValues));
    if (error !== null) throw new Error(`audit write failed: ${error}`);
  }

  /** After the last flush: the thread closes its connection and ends. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
