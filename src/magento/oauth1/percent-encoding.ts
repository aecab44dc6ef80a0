// RFC 5849 §3.6 / RFC 3986 §2.3: everything but unreserved characters is %XX encoded
// (uppercase hex, UTF-8 first). encodeURIComponent leaves !'()* alone, so fix those.

export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Strict decoding; undefined for malformed escapes. */
export function percentDecode(value: string): string | undefined {
  try { return decodeURIComponent(value); } catch { return undefined; }
}
