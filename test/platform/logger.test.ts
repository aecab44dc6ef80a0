import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger.ts';

test('secrets are redacted from log lines', () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const log = createLogger({ level: 'info', destination: sink });
  log.info({ req: { headers: { authorization: 'Basic c2VjcmV0', cookie: 'sid=abc' } }, body: { client_secret: 'dps_secret', password: 'hunter2', refresh_token: 'rt_x', note: 'kept' } }, 'request');
  const text = lines.join('');
  for (const s of ['c2VjcmV0', 'sid=abc', 'dps_secret', 'hunter2', 'rt_x']) assert.ok(!text.includes(s), `${s} leaked`);
  assert.ok(text.includes('kept'));
  assert.ok(text.includes('[redacted]'));
});
