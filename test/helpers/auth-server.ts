import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { validateConfig } from '../../src/config/schema.ts';
import { createAuthServer } from '../../src/auth/server.ts';
import type { AuthServices } from '../../src/auth/services.ts';
import { ManualClock, type Clock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import type { Store } from '../../src/store/database.ts';
import type { Raw } from '../../src/config/check.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface TestAuthServer {
  issuer: string;
  rt: Runtime;
  app: FastifyInstance;
  services: AuthServices;
  clock: Clock;
  close(): Promise<void>;
}

/** A real authorization server on 127.0.0.1 with an in-memory SQLite store (or a given store). */
export async function startAuthServer(opts: { config?: Raw | ((issuer: string) => Raw); clock?: Clock; store?: Store } = {}): Promise<TestAuthServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'deputy-test-'));
  const extra = typeof opts.config === 'function' ? opts.config(issuer) : opts.config;
  const config = validateConfig({ issuer, dataDir, masterKey: Buffer.alloc(32, 7).toString('base64'), logLevel: 'silent', ...extra });
  const clock = opts.clock ?? new ManualClock(Date.now());
  const rt = await createRuntime(config, silentLogger(), { clock, sqliteFile: ':memory:', auditFlushMs: 10, ...(opts.store ? { store: opts.store, migrate: false } : {}) });
  let server: Awaited<ReturnType<typeof createAuthServer>>;
  try {
    server = await createAuthServer(rt);
    await server.app.listen({ port, host: '127.0.0.1' });
  } catch (err) {
    await rt.close();
    throw err;
  }
  const { app, services, close } = server;
  return {
    issuer, rt, app, services, clock,
    close: async () => { await close(); await rt.close(); },
  };
}
