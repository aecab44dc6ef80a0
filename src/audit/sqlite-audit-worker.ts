// Runs in a worker thread (a BatchPool of one): writes audit batches to the SQLite file
// over a connection of its own. node:sqlite is synchronous, so on the main thread every
// batch (and the WAL checkpoints that commits trigger) would stop the event loop.
import { DatabaseSync } from 'node:sqlite';
import { workerData } from 'node:worker_threads';
import { serveBatches } from '../platform/batch-worker.ts';
import { SQLITE_AUDIT_INSERT, type AuditRowValues } from '../store/audit-insert-sqlite.ts';

// Opened while the script loads: a file that cannot be opened means the worker never
// becomes ready, and the pool reports it instead of restarting it in a loop.
const db = new DatabaseSync((workerData as { file: string }).file);
db.exec('PRAGMA busy_timeout = 5000');
db.exec('PRAGMA synchronous = NORMAL');
const insert = db.prepare(SQLITE_AUDIT_INSERT);

/** One batch of rows in one transaction; the error message, or null when stored. */
function write(rows: AuditRowValues[]): string | null {
  try {
    // IMMEDIATE takes the write lock up front, so a busy database waits here (busy_timeout)
    // instead of failing half-way through the batch.
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const values of rows) insert.run(...values);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

serveBatches<AuditRowValues[], string | null>(write, () => undefined, () => db.close());
