import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchPool } from '../../src/platform/batch-pool.ts';

const script = new URL('./fixtures/batch-echo-worker.ts', import.meta.url);

test('batch pool: every item answered in order, in chunks of at most maxBatch, after control messages', async (t) => {
  const pool = new BatchPool<number, [number, number]>(script, { size: 2, maxBatch: 8, maxInflight: 2, name: 'test pool' });
  t.after(() => pool.close());
  pool.broadcast({ type: 'factor', value: 3 });
  // 500 items in one turn: more than 2 workers × 2 messages × 8 items, so most wait and
  // go out as answers come back.
  const results = await Promise.all(Array.from({ length: 500 }, (_, i) => pool.run(i)));
  assert.deepEqual(results.map(([v]) => v), Array.from({ length: 500 }, (_, i) => i * 3));
  const sizes = results.map(([, n]) => n);
  assert.ok(Math.max(...sizes) === 8, `chunks of at most 8, and full ones under load (max ${Math.max(...sizes)})`);
  // Alone, an item is not held back for company.
  assert.deepEqual(await pool.run(7), [21, 1]);
});

test('batch pool: a worker that dies fails its items and is replaced with its control messages; a closed pool refuses work', async () => {
  const pool = new BatchPool<number, [number, number]>(script, { size: 1, name: 'test pool' });
  pool.broadcast({ type: 'factor', value: 5 }); // before the worker exists: kept for it
  assert.deepEqual(await pool.run(1), [5, 1], 'the worker starts with the first item, and has the factor');
  // Loaded and answering, so a death now is a crash: the worker is replaced.
  await assert.rejects(Promise.all([pool.run(1), pool.run(-1)]), /worker exited \(3\)/);
  assert.deepEqual(await pool.run(2), [10, 1], 'the new worker has the factor');
  await pool.close();
  await assert.rejects(pool.run(1), /test pool is closed/);
});

test('batch pool: a worker whose script cannot load breaks the pool instead of restarting in a loop', async () => {
  const pool = new BatchPool<number, number>(new URL('./fixtures/batch-broken-worker.ts', import.meta.url), { size: 1, name: 'broken pool' });
  await assert.rejects(pool.run(1), /cannot start|broken pool: worker exited/, 'the first caller learns why');
  await assert.rejects(pool.run(2), /broken pool: worker exited/);
  await pool.close();
});

test('batch pool: a worker that dies fails only its own batches', async (t) => {
  const pool = new BatchPool<number, [number, number]>(script, { size: 2, maxBatch: 1, name: 'test pool' });
  t.after(() => pool.close());
  await pool.run(0);
  // One item a message, round robin: -2 (300 ms of work) goes to one worker, -1 (which
  // ends its thread) to the other, 12 to the first again.
  const [a, dead, b] = await Promise.allSettled([pool.run(-2), pool.run(-1), pool.run(12)]);
  assert.deepEqual(a, { status: 'fulfilled', value: [-2, 1] }, 'in flight on the other worker when one died');
  assert.equal(dead.status, 'rejected');
  assert.deepEqual(b, { status: 'fulfilled', value: [12, 1] });
  assert.deepEqual(await pool.run(4), [4, 1], 'the pool goes on with a replacement');
});
