// Runs in a worker thread: writes audit batches to the SQLite file over a connection of
// its own. node:sqlite is synchronous, so on the main thread every batch (and the WAL
// checkpoints that commits trigger) would stop the event loop — every request waiting.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { SQLITE_AUDIT_INSERT, type AuditRowValues } from '../store/audit-insert-sqlite.ts';

export type AuditWriterMessage = { type: 'insert'; id: number; rows: AuditRowValues[] } | { type: 'close' };
export type AuditWriterReply = { id: number; error?: string };

const db = new DatabaseSync((workerData as { file: string }).file);
db.exec('PRAGMA busy_timeout = 5000');
db.exec('PRAGMA synchronous = NORMAL');
const insert = db.prepare(SQLITE_AUDIT_INSERT);

parentPort!.on('message', (msg: AuditWriterMessage) => {
  if (msg.type === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    // IMMEDIATE takes the write lock up front, so a busy database waits here (busy_timeout)
    // instead of failing half-way through the batch.
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const values of msg.rows) insert.run(...values);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    parentPort!.postMessage({ id: msg.id } satisfies AuditWriterReply);
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message } satisfies AuditWriterReply);
  }
});
