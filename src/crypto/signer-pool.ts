import type { JsonWebKey } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { SignerMessage, SignerReply } from './signer-worker.ts';

interface Pending { kid: string; input: string; resolve(sig: string): void; reject(err: Error): void }

/** Inputs a message at most (≈ 0.7 ms of ES256 signing on this machine's cores). */
const MAX_BATCH = 16;
/** Messages a worker may have queued or in hand. */
const MAX_INFLIGHT = 4;

/**
 * Signs JWS inputs on worker threads. Requests made in the same event-loop turn travel
 * together (in chunks of MAX_BATCH), so under load the main thread pays a few
 * microseconds per token instead of the whole signature (docs/benchmarks.md, token
 * endpoint).
 */
export class SignerPool {
  readonly #workers: Worker[];
  readonly #inflight = new Map<number, Pending[]>();
  #queue: Pending[] = [];
  #scheduled = false;
  #next = 0;
  #id = 0;
  #closed = false;

  constructor(size = 1) {
    this.#workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL('./signer-worker.ts', import.meta.url));
      w.on('message', (reply: SignerReply) => this.#settle(reply));
      w.on('error', (err) => this.#failAll(err));
      w.unref();
      return w;
    });
  }

  /** Hands the private keys to every worker (after load and rotation). */
  setKeys(keys: Array<{ kid: string; alg: string; jwk: JsonWebKey }>): void {
    for (const w of this.#workers) w.postMessage({ type: 'keys', keys } satisfies SignerMessage);
  }

  sign(kid: string, input: string): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('signer pool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ kid, input, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    // Requests of one event-loop turn travel together, so messages (not signatures) stop
    // being the cost — but in chunks of MAX_BATCH, several in flight: with one batch of
    // everything, the event loop sat idle while the thread signed all 50 connections'
    // tokens, then the thread while the loop answered them (≈ 35 % more tokens/s chunked;
    // docs/benchmarks.md). Past MAX_INFLIGHT chunks a worker, requests wait here.
    while (this.#queue.length > 0 && this.#inflight.size < this.#workers.length * MAX_INFLIGHT) {
      const batch = this.#queue.length <= MAX_BATCH ? this.#queue : this.#queue.slice(0, MAX_BATCH);
      this.#queue = batch === this.#queue ? [] : this.#queue.slice(MAX_BATCH);
      const id = ++this.#id;
      this.#inflight.set(id, batch);
      const worker = this.#workers[this.#next++ % this.#workers.length]!;
      if (this.#inflight.size === 1) for (const w of this.#workers) w.ref();
      worker.postMessage({ type: 'sign', id, items: batch.map(({ kid, input }) => ({ kid, input })) } satisfies SignerMessage);
    }
  }

  #settle(reply: SignerReply): void {
    const batch = this.#inflight.get(reply.id);
    if (!batch) return;
    this.#inflight.delete(reply.id);
    if (this.#inflight.size === 0) for (const w of this.#workers) w.unref();
    batch.forEach((p, i) => {
      const sig = reply.signatures[i];
      if (sig) p.resolve(sig); else p.reject(new Error(`signer: unknown key ${p.kid}`));
    });
    if (this.#queue.length > 0) this.#flush();
  }

  #failAll(err: Error): void {
    for (const batch of this.#inflight.values()) for (const p of batch) p.reject(err);
    this.#inflight.clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#failAll(new Error('signer pool closed'));
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
