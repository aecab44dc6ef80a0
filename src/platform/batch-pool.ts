import { Worker } from 'node:worker_threads';

// Work for worker threads, sent in batches. Items asked for in one event-loop turn
// travel together, so under load the main thread pays for a message per batch, not for
// the work — in chunks of `maxBatch` with up to `maxInflight` chunks a worker, so the
// event loop and the workers overlap: with one batch of everything in flight, the loop
// sat idle while a thread worked through all 50 connections' items, then the thread
// while the loop answered them (≈ 35 % fewer tokens/s; docs/benchmarks.md).
// Worker scripts answer with serveBatches() (batch-worker.ts).

export type BatchMessage<I> = { type: 'batch'; id: number; items: I[] };
export type BatchResults<R> = { id: number; results: R[] };
/** A batch's results, or `ready` once the worker script has loaded. */
export type BatchReply<R> = BatchResults<R> | { type: 'ready' };

interface Pending<I, R> { item: I; resolve(r: R): void; reject(err: Error): void }

export interface BatchPoolOptions {
  size: number;
  /** Items a message at most. */
  maxBatch?: number;
  /** Messages a worker may have queued or in hand; past that, items wait here. */
  maxInflight?: number;
  /** Names the pool in errors. */
  name: string;
  /** Handed to every worker at start (`workerData`). */
  workerData?: unknown;
}

export class BatchPool<I, R> {
  /** Started with the first item, so a pool that is never used costs no thread. */
  #workers: Worker[] = [];
  readonly #size: number;
  readonly #script: URL;
  /** Control messages by key, replayed to a worker started in place of one that died. */
  readonly #controls = new Map<string, { type: string }>();
  /** Message id → the worker slot it went to and its items. */
  readonly #inflight = new Map<number, { slot: number; batch: Array<Pending<I, R>> }>();
  readonly #maxBatch: number;
  readonly #capacity: number;
  readonly #name: string;
  readonly #workerData: unknown;
  #queue: Array<Pending<I, R>> = [];
  #scheduled = false;
  #next = 0;
  #id = 0;
  #closed = false;
  #broken: Error | undefined;

  constructor(script: URL, opts: BatchPoolOptions) {
    this.#maxBatch = opts.maxBatch ?? 16;
    this.#capacity = opts.size * (opts.maxInflight ?? 4);
    this.#name = opts.name;
    this.#script = script;
    this.#size = opts.size;
    this.#workerData = opts.workerData;
  }

  #start(slot: number): Worker {
    const w = new Worker(this.#script, { workerData: this.#workerData });
    let ready = false;
    w.on('message', (reply: BatchReply<R>) => {
      if ('type' in reply) ready = true; else this.#settle(reply);
    });
    w.on('error', (err) => this.#fail(err, slot));
    // A worker that ends (crash, exit, out of memory) fails what is in flight and is
    // replaced, with the control messages it had, so the pool keeps working — unless it
    // ended before its script had loaded: then it would only do so again, and the pool
    // is broken and refuses work rather than restart it in a loop.
    w.on('exit', (code) => {
      if (this.#closed) return;
      const err = new Error(`${this.#name}: worker exited (${code})`);
      this.#fail(err, slot);
      if (!ready) {
        this.#broken = err;
        for (const p of this.#queue) p.reject(err);
        this.#queue = [];
        return;
      }
      this.#workers[slot] = this.#start(slot);
      if (this.#queue.length > 0) this.#flush();
    });
    for (const msg of this.#controls.values()) w.postMessage(msg);
    if (this.#inflight.size === 0) w.unref();
    return w;
  }

  /**
   * A control message (keys, say) to every worker, ahead of any batch sent after it.
   * A later message with the same `key` (default: its type) replaces it for replay.
   */
  broadcast<M extends { type: string }>(msg: M, key: string = msg.type): void {
    this.#controls.set(key, msg);
    for (const w of this.#workers) w.postMessage(msg);
  }

  run(item: I): Promise<R> {
    if (this.#closed) return Promise.reject(new Error(`${this.#name} is closed`));
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#workers.length === 0) this.#workers = Array.from({ length: this.#size }, (_, i) => this.#start(i));
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#queue.length > 0 && this.#inflight.size < this.#capacity) {
      const batch = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
      this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.#maxBatch);
      const id = ++this.#id;
      const slot = this.#next++ % this.#workers.length;
      const worker = this.#workers[slot]!;
      this.#inflight.set(id, { slot, batch });
      // Referenced while work is out, so a process awaiting it stays alive.
      if (this.#inflight.size === 1) for (const w of this.#workers) w.ref();
      worker.postMessage({ type: 'batch', id, items: batch.map((p) => p.item) } satisfies BatchMessage<I>);
    }
  }

  #settle(reply: BatchResults<R>): void {
    const batch = this.#inflight.get(reply.id)?.batch;
    if (!batch) return;
    this.#inflight.delete(reply.id);
    if (this.#inflight.size === 0) for (const w of this.#workers) w.unref();
    batch.forEach((p, i) => p.resolve(reply.results[i]!));
    if (this.#queue.length > 0) this.#flush();
  }

  /** Rejects what is in flight on one worker (`slot`), or on all. */
  #fail(err: Error, slot?: number): void {
    for (const [id, out] of this.#inflight) {
      if (slot !== undefined && out.slot !== slot) continue;
      this.#inflight.delete(id);
      for (const p of out.batch) p.reject(err);
    }
    if (this.#inflight.size === 0) for (const w of this.#workers) w.unref();
  }

  /** Fails what has not been answered; each worker finishes its batch, runs its own close and ends. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#fail(new Error(`${this.#name} closed`));
    for (const p of this.#queue) p.reject(new Error(`${this.#name} closed`));
    this.#queue = [];
    await Promise.all(this.#workers.map((w) => new Promise<void>((resolve) => {
      if (w.threadId === -1) return resolve(); // already ended
      w.once('exit', () => resolve());
      w.ref();
      w.postMessage({ type: 'close' });
      // A worker stuck in a batch is not waited for forever.
      setTimeout(() => void w.terminate(), 2000).unref();
    })));
  }
}
