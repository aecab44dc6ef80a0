import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../platform/errors.ts';
import { isObject, type Raw } from './check.ts';
import { envOverrides, validateConfig, type DeputyConfig } from './schema.ts';

export type { DeputyConfig } from './schema.ts';

function merge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const cur = out[k];
    out[k] = isObject(cur) && isObject(v) ? merge(cur, v) : v;
  }
  return out;
}

export function readConfigFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('DEPUTY_CONFIG', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError('DEPUTY_CONFIG', `${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isObject(doc)) throw new ConfigError('DEPUTY_CONFIG', `${path} must hold a mapping at the top level`);
  return doc;
}

/**
 * Config precedence: defaults < YAML file (DEPUTY_CONFIG) < environment < `overrides`
 * (tests and CLI flags). The result is validated and frozen once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Raw = {}): DeputyConfig {
  const file = env.DEPUTY_CONFIG ? readConfigFile(env.DEPUTY_CONFIG) : {};
  return validateConfig(merge(merge(file, envOverrides(env)), overrides));
}
