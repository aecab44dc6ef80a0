import { parseArgs } from 'node:util';
import type { Runtime } from '../runtime.ts';
import { UsageError, type Output } from './output.ts';
import { roles as roleStarters, type RoleContext } from './roles.ts';

export const START_HELP = `deputy start [--role all|auth|gateway|shop|mcp] [--json]

Runs the roles (all by default) and prints the URLs they serve. Stops cleanly on
SIGINT/SIGTERM, flushing the audit log.`;

export interface RunningRole { role: string; url: string; close(): Promise<void> }

export async function startRoles(rt: Runtime, roles: string[]): Promise<RunningRole[]> {
  const running: RunningRole[] = [];
  const ctx: RoleContext = {};
  try {
    // Start in the registry's order whatever order was asked for.
    for (const role of Object.keys(roleStarters).filter((r) => roles.includes(r))) {
      const starter = roleStarters[role]!;
      const { app, close } = await starter.start(rt, ctx);
      const port = starter.port(rt);
      await app.listen({ host: rt.config.host, port });
      const addr = app.server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      running.push({ role, url: `http://${rt.config.host}:${actual}`, close });
    }
  } catch (err) {
    for (const r of running.reverse()) await r.close().catch(() => undefined);
    throw err;
  }
  return running;
}

export async function startCommand(rt: Runtime, argv: string[], out: Output): Promise<number> {
  const { values: v } = parseArgs({ args: argv, options: { role: { type: 'string', default: 'all' }, json: { type: 'boolean' } } });
  const roles = v.role === 'all' ? Object.keys(roleStarters) : [v.role!];
  for (const r of roles) if (!roleStarters[r]) throw new UsageError(`unknown or unavailable role ${r} (available: ${Object.keys(roleStarters).join(', ')})`);
  const running = await startRoles(rt, roles);
  out.result({ issuer: rt.config.issuer, roles: running.map((r) => ({ role: r.role, url: r.url })) },
    () => [`Deputy is running (issuer ${rt.config.issuer})`, ...running.map((r) => `  ${r.role.padEnd(8)} ${r.url}`)].join('\n'));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  for (const r of running.reverse()) await r.close();
  return 0;
}
