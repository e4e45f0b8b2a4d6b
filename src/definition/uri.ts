/**
 * Language variant and page title of a pageview, read from its URI path and query the way
 * Wikimedia's `pageview_info` does. Meaningful for pageviews (and redirects to them) only.
 */

const UNKNOWN = "-";
const DEFAULT_VARIANT = "default";
const REST_API_PREFIX = "/api/rest_v";
const VIEW_PREFIX = "/view/";
const SLASH_RUNS = /\/\/+/g;

/**
 * The path as both extractors see it: a full URL that ended up in the path is cut to its path,
 * the query is cut off, runs of `/` become one, and surrounding whitespace goes.
 */
function normalizePath(path: string): string {
  // Both extractors normalise the same path, one after the other.
  if (path !== lastPath) {
    lastPath = path;
    lastNormalized = normalizeUncached(path);
  }
  return lastNormalized;
}

let lastPath = "";
let lastNormalized = "";

function normalizeUncached(path: string): string {
  let start = 0;
  if (path.startsWith("http")) {
    // Skip `http(s)://host`. Without a path after the host there is nothing to read.
    start = path.indexOf("/", 9);
    if (start < 0) return "";
  }
  const query = path.indexOf("?", start);
  const bare = path.slice(start, query < 0 ? path.length : query);
  return (bare.includes("//") ? bare.replace(SLASH_RUNS, "/") : bare).trim();
}

/**
 * The language variant a page was rendered in: the first path segment when it names a variant
 * (`/zh-hant/…` → `zh-hant`, `/sr-ec/…` → `sr-ec`), the segment after `/view/` on Wikifunctions,
 * `default` for ordinary wiki paths, `-` for the action API or when nothing can be read.
 */
export function languageVariantFromPath(path: string): string {
  const p = normalizePath(path);
  if (p.startsWith("/w/api.php")) return UNKNOWN;
  if (
    p === "/" ||
    p === "/wiki" ||
    p === "/w" ||
    p.startsWith(REST_API_PREFIX) ||
    p.startsWith("/wiki/") ||
    p.startsWith("/w/")
  ) {
    return DEFAULT_VARIANT;
  }
  if (p.startsWith(VIEW_PREFIX)) {
    const end = p.indexOf("/", VIEW_PREFIX.length);
    return end < 0 ? DEFAULT_VARIANT : p.slice(VIEW_PREFIX.length, end);
  }
  const slash = p.indexOf("/");
  if (slash < 0) return UNKNOWN;
  const start = slash + 1;
  const next = p.indexOf("/", start);
  const end = next > 0 ? next : p.length;
  if (start >= end) return UNKNOWN;
  const dash = p.indexOf("-", start);
  return dash > 0 && dash < end ? p.slice(start, end) : DEFAULT_VARIANT;
}

/**
 * The requested page title, percent-decoded, with spaces as `_`; `-` when none can be read or the
 * result is not a valid MediaWiki title. Taken from, in order: the `title` query parameter; the
 * path for `/wiki/…`-style paths; the `page` query parameter; the path unless it is an `index.*`
 * script.
 */
export function pageTitleFromUri(path: string, query: string): string {
  const p = normalizePath(path);
  const titleParam = queryParam(query, "title");
  let raw: string;
  if (titleParam !== null) raw = titleParam;
  else if (isArticlePath(p)) raw = titleFromPath(p);
  else {
    const pageParam = queryParam(query, "page");
    if (pageParam !== null) raw = pageParam;
    else if (!p.includes("index.")) raw = titleFromPath(p);
    else raw = UNKNOWN;
  }
  const title = decodePercentEncoding(raw).replaceAll(" ", "_");
  return isValidTitle(title) ? title : UNKNOWN;
}

const MOBILE_CONTENT_PREFIXES = [
  "/api/rest_v1/page/mobile-sections-lead/",
  "/api/rest_v1/page/mobile-sections/",
  "/api/rest_v1/page/mobile-html/",
] as const;

/** Paths whose title is in the path even when a `page` parameter is present. */
function isArticlePath(p: string): boolean {
  return (
    (p.includes("/wiki/") && !p.includes("index.")) ||
    p.includes("/w/index.php/") ||
    MOBILE_CONTENT_PREFIXES.some((prefix) => p.startsWith(prefix))
  );
}

const TITLE_MARKERS = [...MOBILE_CONTENT_PREFIXES, "/wiki/", "/w/"] as const;

function titleFromPath(p: string): string {
  if (p === "") return UNKNOWN;
  const hash = p.indexOf("#");
  const main = hash > 0 ? p.slice(0, hash) : p;
  for (const marker of TITLE_MARKERS) {
    const at = main.indexOf(marker);
    if (at >= 0 && at + marker.length < main.length) return main.slice(at + marker.length);
  }
  // Wikifunctions: /view/<language>/<ZID>
  const view = main.indexOf(VIEW_PREFIX);
  if (view >= 0) {
    const rest = main.slice(view + VIEW_PREFIX.length);
    if (rest.indexOf("/") > 0) return rest.slice(rest.lastIndexOf("/") + 1);
  }
  // Language-variant paths: /zh-hant/<title>
  const second = main.indexOf("/", main.indexOf("/") + 1);
  return second > 0 ? main.slice(second + 1) : UNKNOWN;
}

/**
 * The first non-empty value of a query parameter, with `+` read as `_` (MediaWiki titles use `_`
 * for spaces; the value is percent-decoded later, with the path titles). `null` when absent.
 */
function queryParam(query: string, name: string): string | null {
  let start = query.startsWith("?") ? 1 : 0;
  // The next `=` at or after `start`, found once per `=` so long queries stay linear.
  let equals = -1;
  while (start <= query.length) {
    let end = query.indexOf("&", start);
    if (end < 0) end = query.length;
    if (equals < start) {
      equals = query.indexOf("=", start);
      if (equals < 0) equals = Number.POSITIVE_INFINITY;
    }
    // Only `name=value` with a non-empty value counts; a later pair may supply what an earlier lacked.
    const isNamePair = equals - start === name.length && query.startsWith(name, start);
    if (isNamePair && equals + 1 < end) {
      return query.slice(equals + 1, end).replaceAll("+", "_");
    }
    start = end + 1;
  }
  return null;
}

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a decoded U+FEFF: it is part of the title, not a byte-order mark.
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Decodes `%XY` escapes as UTF-8 bytes (malformed sequences become U+FFFD). A `%` not followed by
 * two hex digits stays as it is, and `+` is not a space: titles may contain both.
 */
export function decodePercentEncoding(text: string): string {
  if (!text.includes("%")) return text;
  return decodeWholeCharacters(text) ?? decodeAsBytes(text);
}

/**
 * The common case, natively: every escape spells whole UTF-8 characters (decodeURIComponent throws
 * otherwise), and the text holds no surrogate, which the round trip through bytes would alter.
 */
function decodeWholeCharacters(text: string): string | undefined {
  if (SURROGATE.test(text)) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Any text: escapes replaced in its UTF-8 bytes, the result decoded with U+FFFD for malformed sequences. */
function decodeAsBytes(text: string): string {
  const bytes = utf8Encoder.encode(text);
  let out = 0;
  for (let i = 0; i < bytes.length; i++, out++) {
    let byte = bytes[i] ?? 0;
    if (byte === 0x25 && i + 2 < bytes.length) {
      const high = hexValue(bytes[i + 1] ?? 0);
      const low = hexValue(bytes[i + 2] ?? 0);
      if (high >= 0 && low >= 0) {
        byte = (high << 4) | low;
        i += 2;
      }
    }
    bytes[out] = byte;
  }
  return utf8Decoder.decode(bytes.subarray(0, out));
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/** MediaWiki's limit: titles are at most 255 bytes, but some special pages embed a title. */
const MAX_TITLE_BYTES = 512;
/** The characters MediaWiki never allows in a title ($wgLegalTitleChars, inverted). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
const VALID_TITLE = /^[^#<>[\]{}|\x00-\x1F\x7F]+$/;

function isValidTitle(title: string): boolean {
  return fitsTitleByteLimit(title) && VALID_TITLE.test(title);
}

/** Counts UTF-8 bytes as Java's `getBytes()` does: a lone surrogate becomes `?`, one byte. */
function fitsTitleByteLimit(title: string): boolean {
  // Each UTF-16 unit takes at most 3 bytes, so short titles need no counting.
  if (title.length * 3 <= MAX_TITLE_BYTES) return true;
  let bytes = 0;
  for (let i = 0; i < title.length; i++) {
    const unit = title.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && isLowSurrogate(title.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else if (isHighSurrogate(unit) || isLowSurrogate(unit)) bytes += 1;
    else bytes += 3;
  }
  return bytes <= MAX_TITLE_BYTES;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
