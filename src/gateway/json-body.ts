// Small helpers for the filters that read or rewrite JSON bodies.

const JSON_TYPE = /^application\/(.+\+)?json\b/i;

/** `application/json` or any `application/…+json` media type. */
export function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_TYPE.test(contentType);
}

/** Sets a dotted path, creating objects on the way; `undefined` deletes it (creating nothing). */
export function setPath(obj: Record<string, unknown>, dotted: string, value: string | undefined): void {
  const keys = dotted.split('.');
  let o: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    if (!next || typeof next !== 'object' || Array.isArray(next)) { if (value === undefined) return; o[k] = {}; }
    o = o[k] as Record<string, unknown>;
  }
  if (value === undefined) delete o[keys.at(-1)!]; else o[keys.at(-1)!] = value;
}
