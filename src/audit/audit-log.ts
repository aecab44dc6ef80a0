import type { Logger } from '../platform/logger.ts';
import type { NewAuditEventRow } from '../store/audit-events.ts';

export interface AuditEvent {
  time: number;
  requestId?: string | undefined;
  /** e.g. token.issued, token.refused, token.revoked, client.created */
  action: string;
  outcome: 'success' | 'failure' | 'allow' | 'deny';
  clientId?: string | undefined;
  subject?: string | undefined;
  reason?: string | undefined;
  /** Extra non-secret fields (scope, audience, jti, grant type). */
  detail?: Record<string, unknown> | undefined;
}

/** Where batches go: the audit repository, or a writer thread for a SQLite file. */
export interface AuditSink {
  insertMany(rows: NewAuditEventRow[]): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Buffers events and writes them in batches, off the request path. `close()` flushes
 * what is left, so a graceful shutdown loses nothing.
 */
export class AuditLog {
  readonly #sink: AuditSink;
  readonly #log: Logger;
  readonly #maxBatch: number;
  #buffer: NewAuditEventRow[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(sink: AuditSink, log: Logger, opts: { flushMs?: number; maxBatch?: number } = {}) {
    this.#sink = sink;
    this.#log = log;
    this.#maxBatch = opts.maxBatch ?? 1000;
    this.#timer = setInterval(() => void this.flush(), opts.flushMs ?? 100);
    this.#timer.unref();
  }

  record(event: AuditEvent): void {
    this.#buffer.push({
      time: event.time,
      request_id: event.requestId ?? null,
      action: event.action,
      outcome: event.outcome,
      client_id: event.clientId ?? null,
      subject: event.subject ?? null,
      reason: event.reason ?? null,
      detail: event.detail ? JSON.stringify(event.detail) : null,
    });
    if (this.#buffer.length >= this.#maxBatch) void this.flush();
  }

  /** Writes everything buffered so far; resolves once it is stored. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      while (this.#buffer.length > 0) {
        const batch = this.#buffer;
        this.#buffer = [];
        try {
          await this.#sink.insertMany(batch);
        } catch (err) {
          // Keep the events for the next attempt rather than lose them.
          this.#buffer = batch.concat(this.#buffer);
          this.#log.error({ err, pending: this.#buffer.length }, 'audit: batch write failed');
          return;
        }
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    await this.#sink.close?.();
  }
}
