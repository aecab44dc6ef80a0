// The worker side of BatchPool (batch-pool.ts): says `ready` once the script has loaded,
// answers each batch with one result per item, in order, and on `close` runs `onClose`
// and ends; any other message is a control message for `control`.
import { parentPort } from 'node:worker_threads';
import type { BatchMessage, BatchReply } from './batch-pool.ts';

export function serveBatches<I, R>(
  handle: (item: I, index: number, batch: readonly I[]) => R,
  control: (msg: { type: string }) => void,
  onClose?: () => void,
): void {
  parentPort!.on('message', (msg: BatchMessage<I> | { type: string }) => {
    if (msg.type === 'close') { onClose?.(); parentPort!.close(); return; }
    if (msg.type !== 'batch') { control(msg); return; }
    const { id, items } = msg as BatchMessage<I>;
    parentPort!.postMessage({ id, results: items.map(handle) } satisfies BatchReply<R>);
  });
  parentPort!.postMessage({ type: 'ready' } satisfies BatchReply<R>);
}
