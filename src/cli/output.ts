/** How a CLI command reports: human text by default, one JSON document with --json. */
export interface Output {
  json: boolean;
  /** Prints a result: JSON as-is with --json, else via `human`. */
  result(value: unknown, human?: (v: never) => string): void;
  info(text: string): void;
  error(text: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      if (json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
      else process.stdout.write((human ? human(value as never) : JSON.stringify(value, null, 2)) + '\n');
    },
    info(text) { if (!json) process.stdout.write(text + '\n'); else process.stderr.write(text + '\n'); },
    error(text) { process.stderr.write(`deputy: ${text}\n`); },
  };
}

export class UsageError extends Error {}

/** Plain table for human output. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

export function isoTime(epoch: number | null | undefined): string | null {
  return epoch === null || epoch === undefined ? null : new Date(epoch * 1000).toISOString();
}
