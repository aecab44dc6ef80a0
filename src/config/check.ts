import { ConfigError } from '../platform/errors.ts';

// Small readers used by every config section: each names the exact key path on error.

export type Raw = Record<string, unknown>;

export function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function section(raw: unknown, path: string): Raw {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw new ConfigError(path, `expected a mapping, got ${JSON.stringify(raw)}`);
  return raw;
}

export function rejectUnknown(raw: Raw, path: string, known: readonly string[]): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new ConfigError(path ? `${path}.${key}` : key, `unknown key (expected one of: ${known.join(', ')})`);
  }
}

export function str(raw: Raw, key: string, path: string, fallback?: string): string {
  const v = raw[key];
  if (v === undefined || v === null || v === '') {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${path}${key}`, 'is required');
  }
  if (typeof v !== 'string') throw new ConfigError(`${path}${key}`, `expected a string, got ${JSON.stringify(v)}`);
  return v;
}

export function optStr(raw: Raw, key: string, path: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ConfigError(`${path}${key}`, `expected a string, got ${JSON.stringify(v)}`);
  return v;
}

export function int(raw: Raw, key: string, path: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  let v = raw[key];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) v = Number(v);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ConfigError(`${path}${key}`, `expected an integer, got ${JSON.stringify(v)}`);
  if (v < min || v > max) throw new ConfigError(`${path}${key}`, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function bool(raw: Raw, key: string, path: string, fallback: boolean): boolean {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (typeof v !== 'boolean') throw new ConfigError(`${path}${key}`, `expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function oneOf<T extends string>(raw: Raw, key: string, path: string, allowed: readonly T[], fallback: T): T {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ConfigError(`${path}${key}`, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function strList(raw: Raw, key: string, path: string, fallback: string[] = []): string[] {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ConfigError(`${path}${key}`, `expected a list of strings, got ${JSON.stringify(v)}`);
  return v as string[];
}

export function absoluteUrl(value: string, path: string, protocols = ['http:', 'https:']): string {
  let u: URL;
  try { u = new URL(value); } catch { throw new ConfigError(path, `expected an absolute URL, got ${JSON.stringify(value)}`); }
  if (!protocols.includes(u.protocol)) throw new ConfigError(path, `expected a ${protocols.join(' or ')} URL, got ${JSON.stringify(value)}`);
  if (u.hash) throw new ConfigError(path, 'must not contain a fragment');
  return value;
}

/** Deep-freezes a validated config so no component can change it behind another's back. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
