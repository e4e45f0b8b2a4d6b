/**
 * The X-Analytics header (`key=value;key=value`), parsed the way the refine job builds
 * `x_analytics_map`: the wprov sanitiser first, then Spark's `str_to_map(x, ';', '=')`.
 */
export type XAnalytics = ReadonlyMap<string, string>;

const NO_ANALYTICS: XAnalytics = new Map();

/**
 * Parses a raw header. An absent header (`null`, `""` or `-`) is an empty map. Pairs are split on
 * `;` and key from value on the first `=`; a pair without `=` gets the value `""`; a repeated key
 * keeps its last value. Keys and values are not trimmed.
 */
export function parseXAnalytics(header: string | null | undefined): XAnalytics {
  if (header == null || header === "" || header === "-") return NO_ANALYTICS;
  const text = sanitizeWprov(header);
  const map = new Map<string, string>();
  let start = 0;
  // The next `=` at or after `start`, searched once per `=` so that long headers stay linear.
  let equals = -1;
  while (start <= text.length) {
    let end = text.indexOf(";", start);
    if (end < 0) end = text.length;
    if (equals < start) {
      equals = text.indexOf("=", start);
      if (equals < 0) equals = Number.POSITIVE_INFINITY;
    }
    if (equals < end) {
      map.set(text.slice(start, equals), text.slice(equals + 1, end));
    } else {
      map.set(text.slice(start, end), "");
    }
    start = end + 1;
  }
  return map;
}

// Java's `\s` is ASCII-only; JS `\s` would also swallow Unicode spaces.
const WPROV_PAIR = /(^|;)[ \t\n\v\f\r]*(wprov)[ \t\n\v\f\r]*=[ \t\n\v\f\r]*([^;]*)/gi;
const WPROV_ANYWHERE = /wprov/i;
const PROVENANCE_CODE = /^[a-z0-9]*/;

/**
 * Rewrites every `wprov=` pair to its bare provenance code (Wikimedia T425787): clients sometimes
 * glue URL fragments, escapes or paths onto the code, which breaks exact matching downstream.
 * Whitespace around the key and `=` is dropped; other pairs are left untouched.
 */
export function sanitizeWprov(header: string): string {
  // Most headers have no wprov; a plain search is much cheaper than the replacement.
  if (!WPROV_ANYWHERE.test(header)) return header;
  return header.replace(
    WPROV_PAIR,
    (_pair, separator: string, key: string, value: string) => `${separator}${key}=${provenanceCode(value)}`,
  );
}

/** Cuts the value at an embedded `http` (not at its start), then keeps the leading `[a-z0-9]` run. */
function provenanceCode(value: string): string {
  let start = 0;
  // Java's trim(): every character up to U+0020.
  while (start < value.length && value.charCodeAt(start) <= 0x20) start++;
  const trimmed = value.slice(start);
  const http = trimmed.toLowerCase().indexOf("http");
  const candidate = http > 0 ? trimmed.slice(0, http) : trimmed;
  return PROVENANCE_CODE.exec(candidate)?.[0] ?? "";
}
