// Request-path normalisation. Routes match on the normalised segments and the upstream
// receives exactly those segments re-encoded, so no spelling of a path (percent-encoding,
// dot segments, duplicate slashes, encoded slashes) can reach what the raw path would not.

export class PathError extends Error {
  readonly reason: string;
  constructor(reason: string) { super(reason); this.reason = reason; }
}

// Characters that never belong in a decoded segment: separators, NUL and controls.
const FORBIDDEN = /[\/\\\u0000-\u001f\u007f]/;

/** Splits the raw path (without query) into decoded, dot-resolved segments. */
export function normalisePath(raw: string): string[] {
  if (!raw.startsWith('/')) throw new PathError('path_not_absolute');
  if (raw.includes('\\')) throw new PathError('path_backslash');
  const out: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '') continue; // duplicate and trailing slashes
    let seg: string;
    try { seg = part.includes('%') ? decodeURIComponent(part) : part; } catch { throw new PathError('path_bad_encoding'); }
    // Encoded slashes, backslashes and controls would let one segment act as several upstream.
    if (FORBIDDEN.test(seg)) throw new PathError('path_encoded_separator');
    // Matrix parameters (`..;/`) are resolved differently by some upstream servers.
    if (seg.includes(';')) throw new PathError('path_semicolon');
    if (seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) throw new PathError('path_traversal');
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return out;
}

/** RFC 3986 unreserved characters only: the segment is its own encoding. */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** Percent-encodes one decoded segment for the upstream request line. */
function encodeSegment(seg: string): string {
  if (UNRESERVED.test(seg)) return seg; // the common case, without building a new string
  return encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function joinSegments(segs: readonly string[]): string {
  return `/${segs.map(encodeSegment).join('/')}`;
}
