import { Worker } from 'node:worker_threads';
import { auditRowValues } from '../store/audit-insert-sqlite.ts';
import type { NewAuditEventRow } from '../store/audit-events.ts';
import type { AuditSink } from './audit-log.ts';
import type { AuditWriterMessage, AuditWriterReply } from './sqlite-audit-worker.ts';

interface Pending { resolve(): void; reject(err: Error): void }

/**
 * Audit batches for a file-backed SQLite store, written by a worker thread
 * (sqlite-audit-worker.ts) so the event loop pays for one message a batch, not for the
 * inserts and checkpoints. The worker starts with the first batch; if it dies, the
 * batches it held fail (the audit log keeps them) and the next batch starts a new one.
 */
export class SqliteAuditWriter implements AuditSink {
  readonly #file: string;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #id = 0;
  #closed = false;

  constructor(file: string) { this.#file = file; }

  insertMany(rows: NewAuditEventRow[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('audit writer is closed'));
    if (rows.length === 0) return Promise.resolve();
    const worker = this.#worker ?? this.#start();
    return new Promise((resolve, reject) => {
      const id = ++this.#id;
      this.#pending.set(id, { resolve, reject });
      // Referenced while a batch is out, so a process that awaits its flush stays alive.
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ type: 'insert', id, rows: rows.map(auditRowValues) } satisfies AuditWriterMessage);
    });
  }

  #start(): Worker {
    const worker = new Worker(new URL('./sqlite-audit-worker.ts', import.meta.url), { workerData: { file: this.#file } });
    worker.on('message', (reply: AuditWriterReply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.error === undefined) p.resolve(); else p.reject(new Error(`audit write failed: ${reply.error}`));
    });
    worker.on('error', (err) => this.#lost(worker, err));
    worker.on('exit', (code) => this.#lost(worker, new Error(`audit writer thread exited (${code})`)));
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #lost(worker: Worker, err: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  /** After the last flush: the worker closes its connection and ends. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.ref();
      worker.postMessage({ type: 'close' } satisfies AuditWriterMessage);
    });
  }
}
