import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../platform/logger.ts';
import { ConfigError } from '../platform/errors.ts';

/**
 * The master key encrypts private keys and stored secrets. From DEPUTY_MASTER_KEY
 * when set; in embedded mode, generated once into the data dir (mode 0600) with a
 * warning. A shared database (PostgreSQL) requires it explicitly: every process must
 * hold the same key.
 */
export function loadMasterKey(opts: { masterKey: string | undefined; dataDir: string; shared: boolean; log: Logger }): Buffer {
  if (opts.masterKey) return Buffer.from(opts.masterKey, 'base64');
  if (opts.shared) throw new ConfigError('masterKey', 'DEPUTY_MASTER_KEY is required when DATABASE_URL is set (every process must share it)');
  const file = join(opts.dataDir, 'master.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError('masterKey', `${file} does not hold base64 of 32 bytes`);
    return key;
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  opts.log.warn({ file }, 'generated a master key into the data dir; set DEPUTY_MASTER_KEY in production');
  return key;
}
