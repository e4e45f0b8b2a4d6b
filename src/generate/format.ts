/**
 * Serialisers for generated requests: Wikimedia's raw webrequest JSON lines, and the Apache/nginx
 * "combined" access log format.
 */

import type { RawRequest } from "../definition/types.ts";
import type { GeneratedRequest } from "./requests.ts";

/** A raw request, with any transport fields it has; missing ones are written as webrequest's defaults. */
export type FormattableRequest = RawRequest & Partial<Omit<GeneratedRequest, keyof RawRequest>>;

/**
 * Characters that JSON.stringify would write differently: quotes, backslashes and control characters are
 * escaped, and surrogates are checked there (a lone one is escaped).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON must escape
const JSON_UNSAFE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal; skips JSON.stringify's copy for the usual string that needs no escape. */
function json(value: string): string {
  return JSON_UNSAFE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** Values from small tables (agents, hosts, content types) recur on every line: quote each once. */
const quotedValues = new Map<string, string>();
const MAX_QUOTED_VALUES = 8192;

function jsonRecurring(value: string): string {
  let quoted = quotedValues.get(value);
  if (quoted === undefined) {
    quoted = json(value);
    if (quotedValues.size < MAX_QUOTED_VALUES) quotedValues.set(value, quoted);
  }
  return quoted;
}

/**
 * One JSON object in the field order of the raw webrequest table (spec section 5), without a newline.
 * Transport fields a plain RawRequest lacks are written as webrequest's defaults ("-", 0, GET). Built by
 * hand rather than with JSON.stringify: this runs once per generated line.
 */
export function formatWebrequest(r: FormattableRequest): string {
  return (
    `{"hostname":${jsonRecurring(r.hostname ?? "-")},"sequence":${r.sequence ?? 0},"dt":${json(r.dt)},` +
    `"time_firstbyte":${r.time_firstbyte ?? 0},"ip":${json(r.ip)},"cache_status":${jsonRecurring(r.cache_status ?? "-")},` +
    `"http_status":${jsonRecurring(r.http_status)},"response_size":${r.response_size ?? 0},` +
    `"http_method":${jsonRecurring(r.http_method ?? "GET")},"uri_host":${jsonRecurring(r.uri_host)},` +
    `"uri_path":${json(r.uri_path)},"uri_query":${json(r.uri_query)},"content_type":${jsonRecurring(r.content_type)},` +
    `"referer":${json(r.referer)},"x_forwarded_for":${jsonRecurring(r.x_forwarded_for ?? "-")},` +
    `"user_agent":${jsonRecurring(r.user_agent)},"accept_language":${jsonRecurring(r.accept_language)},` +
    `"x_analytics":${json(r.x_analytics)},"tls":${jsonRecurring(r.tls ?? "-")}}`
  );
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** Escapes `"` and `\` with a backslash, as Apache does inside quoted log fields. */
function quoted(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, "\\$&") : value;
}

/** `[12/Jul/2026:14:03:27 +0000]` from webrequest's `2026-07-12T14:03:27Z`. */
function logTime(dt: string): string {
  const month = MONTHS[Number(dt.slice(5, 7)) - 1];
  return `[${dt.slice(8, 10)}/${month}/${dt.slice(0, 4)}:${dt.slice(11, 19)} +0000]`;
}

/**
 * One line of the combined log format, without a newline:
 * `ip - - [time] "METHOD path?query HTTP/1.1" status size "referer" "user agent"`. As with Apache's `%b`,
 * an empty body is written as `-`. The format has no host, no content type and no X-Analytics.
 */
export function formatCombined(r: FormattableRequest): string {
  const query = r.uri_query === "" || r.uri_query === "-" ? "" : r.uri_query;
  const size = r.response_size ? String(r.response_size) : "-";
  const request = quoted(`${r.http_method ?? "GET"} ${r.uri_path}${query} HTTP/1.1`);
  return `${r.ip} - - ${logTime(r.dt)} "${request}" ${r.http_status} ${size} "${quoted(r.referer)}" "${quoted(r.user_agent)}"`;
}
