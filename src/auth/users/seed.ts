import { randomToken } from '../../platform/ids.ts';
import type { Runtime } from '../../runtime.ts';
import { UserService } from './user-service.ts';

/** Local demo only: documented in the README, never for a real deployment. */
export const DEFAULT_DEMO_PASSWORD = 'deputy-demo';

export const DEMO_CUSTOMERS = [
  { username: 'alice@example.com', name: 'Alice Martin' },
  { username: 'bob@example.com', name: 'Bob Nguyen' },
  { username: 'carol@example.com', name: 'Carol Schmidt' },
] as const;

export const DEMO_ADMIN = 'admin';

export interface SeedResult {
  created: string[];
  /** Set only when the admin was created with a generated password (shown once). */
  generatedAdminPassword?: string;
}

/**
 * Creates the demo customers and the admin when they do not exist yet. The admin's
 * password comes from DEPUTY_ADMIN_PASSWORD or is generated and printed once.
 */
export async function seedDemoUsers(
  rt: Runtime,
  opts: { env?: NodeJS.ProcessEnv; print?: (line: string) => void } = {},
): Promise<SeedResult> {
  const env = opts.env ?? process.env;
  const print = opts.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const users = new UserService(rt);
  const result: SeedResult = { created: [] };
  const demoPassword = env.DEPUTY_DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  for (const c of DEMO_CUSTOMERS) {
    if (await users.findByUsername(c.username)) continue;
    await users.create({ ...c, type: 'customer', password: demoPassword });
    result.created.push(c.username);
  }
  if (!(await users.findByUsername(DEMO_ADMIN))) {
    const given = env.DEPUTY_ADMIN_PASSWORD;
    const password = given || randomToken(18);
    await users.create({ username: DEMO_ADMIN, name: 'Administrator', type: 'admin', password });
    result.created.push(DEMO_ADMIN);
    if (!given) {
      result.generatedAdminPassword = password;
      print(`deputy: created admin user "${DEMO_ADMIN}" with generated password ${password} (shown once; set DEPUTY_ADMIN_PASSWORD to choose it)`);
    }
  }
  return result;
}
