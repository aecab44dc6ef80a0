import { randomBytes } from 'node:crypto';
import { validateConfig } from '../../../src/config/schema.ts';
import type { Raw } from '../../../src/config/check.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { silentLogger } from '../../../src/platform/logger.ts';
import { createRuntime, type Runtime } from '../../../src/runtime.ts';
import type { Store } from '../../../src/store/database.ts';

/** Cheap scrypt so suites stay fast; production defaults are tested in password.test.ts. */
export const FAST_USERS = { scrypt: { cost: 1024 } };

export async function peopleRuntime(store: Store, extra: Raw = {}, clock = new ManualClock(Date.UTC(2026, 0, 1))): Promise<{ rt: Runtime; clock: ManualClock }> {
  const config = validateConfig({
    masterKey: randomBytes(32).toString('base64'),
    dataDir: '/tmp/deputy-people-test',
    logLevel: 'silent',
    users: FAST_USERS,
    ...extra,
  });
  const rt = await createRuntime(config, silentLogger(), { store, migrate: false, clock });
  return { rt, clock };
}
