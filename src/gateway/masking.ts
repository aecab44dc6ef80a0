import type { MaskConfig } from './config.ts';

// Response masking, pure: JSON paths replace a value with "***"; detectors rewrite card
// numbers (13–19 digits passing Luhn, spaces or dashes allowed) to their last four and
// email addresses to a***@domain, wherever they appear in a string.

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

export function maskCards(s: string): string {
  return s.replace(CARD, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? `****${digits.slice(-4)}` : m;
  });
}

export function maskEmails(s: string): string {
  return s.replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`);
}

export function maskString(s: string, detectors: MaskConfig['detectors']): string {
  let out = s;
  if (detectors.includes('card')) out = maskCards(out);
  if (detectors.includes('email')) out = maskEmails(out);
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function applyDetectors(v: Json, detectors: MaskConfig['detectors']): Json {
  if (typeof v === 'string') return maskString(v, detectors);
  // Card numbers also arrive as JSON numbers.
  if (typeof v === 'number' && Number.isSafeInteger(v) && detectors.includes('card')) {
    const s = String(v);
    const masked = maskCards(s);
    return masked === s ? v : masked;
  }
  if (Array.isArray(v)) return v.map((x) => applyDetectors(x, detectors));
  if (v && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) out[k] = applyDetectors(x, detectors);
    return out;
  }
  return v;
}

/** `$.a.b[*].c` → [['a'], ['b', '*'], ['c']] flattened to steps. */
function steps(path: string): string[] {
  return path.replace(/^\$\./, '').split('.').flatMap((p) => (p.endsWith('[*]') ? [p.slice(0, -3), '*'] : [p]));
}

function maskPath(v: Json, st: readonly string[], i: number): Json {
  if (i === st.length) return v === null ? v : '***';
  const s = st[i]!;
  if (s === '*') return Array.isArray(v) ? v.map((x) => maskPath(x, st, i + 1)) : v;
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, s)) return { ...v, [s]: maskPath(v[s]!, st, i + 1) };
  // A path on a top-level array applies to each element (Magento lists).
  if (Array.isArray(v) && i === 0) return v.map((x) => maskPath(x, st, i));
  return v;
}

export function maskJson(value: unknown, cfg: MaskConfig): unknown {
  let v = value as Json;
  for (const p of cfg.paths) v = maskPath(v, steps(p), 0);
  return cfg.detectors.length ? applyDetectors(v, cfg.detectors) : v;
}
