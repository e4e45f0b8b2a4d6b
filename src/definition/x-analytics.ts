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
  return new XAnalyticsPairs(sanitizeWprov(header));
}

/**
 * The pairs of one header. Refining reads a few keys of every request, so the header is only cut
 * into pairs, with no strings made; `get` compares keys in place. The map of all pairs is built
 * only when something asks for more than single keys.
 */
class XAnalyticsPairs implements XAnalytics {
  readonly #text: string;
  /** Three offsets per pair: where it starts, where its key ends (at `=` or the pair's end), where it ends. */
  readonly #bounds: number[] = [];
  #map: Map<string, string> | undefined;

  constructor(text: string) {
    this.#text = text;
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
      this.#bounds.push(start, Math.min(equals, end), end);
      start = end + 1;
    }
  }

  get(key: string): string | undefined {
    const text = this.#text;
    const bounds = this.#bounds;
    // The last pair with the key wins.
    for (let pair = bounds.length - 3; pair >= 0; pair -= 3) {
      const start = bounds[pair] as number;
      const keyEnd = bounds[pair + 1] as number;
      if (keyEnd - start === key.length && text.startsWith(key, start)) {
        const end = bounds[pair + 2] as number;
        return keyEnd === end ? "" : text.slice(keyEnd + 1, end);
      }
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    return this.#pairs().size;
  }

  forEach(callback: (value: string, key: string, map: XAnalytics) => void, thisArg?: unknown): void {
    for (const [key, value] of this.#pairs()) callback.call(thisArg, value, key, this);
  }

  entries(): MapIterator<[string, string]> {
    return this.#pairs().entries();
  }

  keys(): MapIterator<string> {
    return this.#pairs().keys();
  }

  values(): MapIterator<string> {
    return this.#pairs().values();
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.#pairs()[Symbol.iterator]();
  }

  #pairs(): Map<string, string> {
    if (this.#map === undefined) {
      const bounds = this.#bounds;
      this.#map = new Map();
      for (let pair = 0; pair < bounds.length; pair += 3) {
        const start = bounds[pair] as number;
        const keyEnd = bounds[pair + 1] as number;
        const end = bounds[pair + 2] as number;
        this.#map.set(
          this.#text.slice(start, keyEnd),
          keyEnd === end ? "" : this.#text.slice(keyEnd + 1, end),
        );
      }
    }
    return this.#map;
  }
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
