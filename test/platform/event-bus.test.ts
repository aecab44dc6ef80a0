import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessBus, RedisBus, type DeputyEvent } from '../../src/platform/event-bus.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { redisOrSkip } from '../helpers/backends.ts';

test('in-process bus delivers to every subscriber until it unsubscribes', async () => {
  const bus = new InProcessBus();
  const a: DeputyEvent[] = [];
  const b: DeputyEvent[] = [];
  const offA = bus.subscribe((e) => a.push(e));
  bus.subscribe((e) => b.push(e));
  await bus.publish({ type: 'token.revoked', jti: 'j1', exp: 10 });
  offA();
  await bus.publish({ type: 'grant.revoked', grantId: 'g1', exp: 10 });
  assert.equal(a.length, 1);
  assert.equal(b.length, 2);
  await bus.close();
});

const redis = await redisOrSkip();
test('Redis bus carries events between processes sharing Redis', { skip: 'skip' in redis ? redis.skip : false }, async () => {
  const url = (redis as { url: string }).url;
  const one = await RedisBus.connect(url, silentLogger());
  const two = await RedisBus.connect(url, silentLogger());
  try {
    const got = new Promise<DeputyEvent>((resolve) => two.subscribe(resolve));
    const event: DeputyEvent = { type: 'token.revoked', jti: `j-${Date.now()}`, exp: 99 };
    await one.publish(event);
    assert.deepEqual(await got, event);
  } finally {
    await one.close();
    await two.close();
  }
});
