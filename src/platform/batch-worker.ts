// The worker side of BatchPool (batch-pool.ts): answers each batch with one result per
// item, in order; any other message is a control message for `control`.
import { parentPort } from 'node:worker_threads';
import type { BatchMessage, BatchReply } from './batch-pool.ts';

export function serveBatches<I, R>(handle: (item: I, index: number, batch: readonly I[]) => R, control: (msg: { type: string }) => void): void {
  parentPort!.on('message', (msg: BatchMessage<I> | { type: string }) => {
    if (msg.type !== 'batch') { control(msg); return; }
    const { id, items } = msg as BatchMessage<I>;
    parentPort!.postMessage({ id, results: items.map(handle) } satisfies BatchReply<R>);
  });
}
