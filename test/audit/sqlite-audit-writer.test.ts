import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteAuditWriter } from '../../src/audit/sqlite-audit-writer.ts';
import { validateConfig } from '../../src/config/schema.ts';
import { createGatewayServer } from '../../src/gateway/server.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { createRuntime } from '../../src/runtime.ts';
import { AuditEventRepository, type NewAuditEventRow } from '../../src/store/audit-events.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { bearer, call, gatewayConfig, startIssuer, startUpstream } from '../gateway/helpers.ts';

// Audit batches for a SQLite file are written by a thread of their own (node:sqlite is
// synchronous): what it writes is what the main connection reads, a busy database makes
// it wait rather than fail, a bad batch is refused whole, and shutdown loses nothing.

const row = (i: number, extra: Partial<NewAuditEventRow> = {}): NewAuditEventRow => ({ time: 1_000 + i, request_id: `r-${i}`, action: 'gateway.request', outcome: 'allow', client_id: 'agent-ü', subject: null, reason: null, detail: '{"route":"x"}', ...extra });

describe('SQLite audit writer thread', () => {
  let store: Store; let file: string; let repo: AuditEventRepository;
  before(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'deputy-audit-')), 'deputy.db');
    store = openStore({ file });
    await migrateToLatest(store.db as never);
    repo = new AuditEventRepository(store.db);
  });
  after(() => store.close());

  it('writes batches in order that the main connection reads back', async () => {
    const writer = new SqliteAuditWriter(file);
    await writer.insertMany(Array.from({ length: 300 }, (_, i) => row(i)));
    await writer.insertMany([row(300, { subject: 'sübject "q"', reason: 'r', outcome: 'deny', detail: null, request_id: null })]);
    await writer.close();
    const rows = await repo.query({ limit: 1000 });
    assert.equal(rows.length, 301);
    assert.deepEqual({ ...rows[0], id: 0 }, { id: 0, time: 1_300, request_id: null, action: 'gateway.request', outcome: 'deny', client_id: 'agent-ü', subject: 'sübject "q"', reason: 'r', detail: null });
    assert.deepEqual(rows.slice(1, 4).map((r) => r.request_id), ['r-299', 'r-298', 'r-297'], 'batch order is kept');
    await assert.rejects(writer.insertMany([row(1)]), /closed/);
  });

  it('waits for a write the main connection holds instead of failing', async () => {
    const writer = new SqliteAuditWriter(file);
    let written: Promise<void> | undefined;
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('audit_events').values(row(0, { request_id: 'main' })).execute();
      written = writer.insertMany([row(1, { request_id: 'thread' })]);
      await new Promise((r) => setTimeout(r, 150));
    });
    await written;
    await writer.close();
    const ids = (await repo.query({ limit: 2 })).map((r) => r.request_id);
    assert.deepEqual(ids, ['thread', 'main'], 'the thread wrote after the main transaction committed');
  });

  it('refuses a bad batch whole and goes on with the next', async () => {
    const before = (await repo.query({ limit: 10_000 })).length;
    const writer = new SqliteAuditWriter(file);
    // action is NOT NULL: the third row fails, the two before it are rolled back.
    await assert.rejects(writer.insertMany([row(1), row(2), row(3, { action: null as unknown as string })]), /audit write failed/);
    assert.equal((await repo.query({ limit: 10_000 })).length, before);
    await writer.insertMany([row(4)]);
    await writer.close();
    assert.equal((await repo.query({ limit: 10_000 })).length, before + 1);
  });
});

describe('gateway audit on a SQLite file', () => {
  it('records every request through the writer thread, and a graceful shutdown loses none', async () => {
    const issuer = await startIssuer();
    const up = await startUpstream();
    const dataDir = mkdtempSync(join(tmpdir(), 'deputy-audit-gw-'));
    const config = validateConfig({ dataDir, masterKey: randomBytes(32).toString('base64'), gateway: gatewayConfig(issuer, up, [{ id: 'products', path: '/rest/V1/products', upstream: 'shop' }]) });
    // A flush interval longer than the test: only close() can write the events.
    const rt = await createRuntime(config, silentLogger(), { auditFlushMs: 60_000 });
    const gw = await createGatewayServer(rt);
    const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const token = await issuer.token({ client_id: 'agent-1', sub: 'user-1' });
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => call(`${url}/rest/V1/products`, { headers: i % 4 === 0 ? {} : bearer(token) }).then((r) => r.status)));
    assert.deepEqual([...new Set(statuses)].sort(), [200, 401]);
    await gw.close();
    await rt.close();
    await up.close(); await issuer.close();

    const store = openStore({ dataDir });
    try {
      const rows = await new AuditEventRepository(store.db).query({ limit: 1000 });
      const requests = rows.filter((r) => r.request_id !== null && r.action.startsWith('gateway'));
      assert.equal(requests.length, 40);
      assert.equal(requests.filter((r) => r.outcome === 'deny').length, 10);
    } finally { await store.close(); }
  });
});
