import { isUtf8 } from "node:buffer";
import { combinedContentTypeRule } from "../definition/combined-content-type.ts";
import type { RawRequest } from "../definition/types.ts";
import { commonLogTimeToUtc } from "./timestamp.ts";

export interface CombinedLineOptions {
  /** The line starts with Apache's `%v:%p` (vhost_combined). */
  vhost: boolean;
  /** uri_host for lines that do not name their virtual host. */
  host?: string;
}

/** A double-quoted log field in which `\"` and `\\` (and other backslash escapes) may appear. */
const QUOTED = String.raw`"([^"\\]*(?:\\.[^"\\]*)*)"`;
/** `%h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-agent}i"`; trailing extra fields are ignored. */
const COMBINED = String.raw`(\S+) \S+ \S+ \[([^\]]*)\] ${QUOTED} (\d{3}) \S+ ${QUOTED} ${QUOTED}(?: .*)?$`;
const COMBINED_LINE = new RegExp(`^${COMBINED}`);
const VHOST_COMBINED_LINE = new RegExp(String.raw`^(\S+) ${COMBINED}`);
/** The captures of COMBINED, in order. */
type CombinedFields = [
  ip: string,
  time: string,
  request: string,
  status: string,
  referer: string,
  userAgent: string,
];
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/\d(?:\.\d)?$/;

/**
 * One line of an Apache/nginx `combined` or `vhost_combined` access log as a request, or the reason
 * it cannot be one. Combined logs carry no Content-Type, Accept-Language or X-Analytics header: the
 * content type is inferred by {@link combinedContentTypeRule}, the other two are empty.
 */
export function parseCombinedLine(line: string, options: CombinedLineOptions): RawRequest | string {
  const match = (options.vhost ? VHOST_COMBINED_LINE : COMBINED_LINE).exec(line);
  if (!match) return options.vhost ? "not a vhost_combined log line" : "not a combined log line";
  const offset = options.vhost ? 1 : 0;
  const [ip, time, request, httpStatus, referer, userAgent] = match.slice(1 + offset) as CombinedFields;

  const uriHost = hostOf(options.vhost ? (match[1] as string) : undefined, options.host);
  if (uriHost === undefined) return "no host: use --host";

  const dt = commonLogTimeToUtc(time);
  if (dt === undefined) return `invalid time [${excerpt(time)}]`;

  const requestLine = unescapeLogField(request);
  const target = requestLine === undefined ? null : REQUEST_LINE.exec(requestLine);
  if (!target) return `request is not "METHOD target HTTP/version": "${excerpt(request)}"`;
  const method = target[1] as string;
  const requestTarget = target[2] as string;

  const refererText = unescapeLogField(referer);
  if (refererText === undefined) return "referer holds escaped bytes that are not valid UTF-8";
  const userAgentText = unescapeLogField(userAgent);
  if (userAgentText === undefined) return "user agent holds escaped bytes that are not valid UTF-8";

  const queryStart = requestTarget.indexOf("?");
  const uriPath = queryStart === -1 ? requestTarget : requestTarget.slice(0, queryStart);
  return {
    dt,
    ip,
    uri_host: uriHost,
    uri_path: uriPath,
    uri_query: queryStart === -1 ? "" : requestTarget.slice(queryStart),
    http_status: httpStatus,
    content_type: combinedContentTypeRule.contentType(method, uriPath, httpStatus),
    user_agent: userAgentText,
    referer: refererText,
    accept_language: "",
    x_analytics: "",
  };
}

const DIGITS = /^\d+$/;

/** The `%v` of `%v:%p` without its port; a `-` or empty `%v` does not name a host. */
function hostOf(virtualHost: string | undefined, fallback: string | undefined): string | undefined {
  if (virtualHost !== undefined) {
    const colon = virtualHost.lastIndexOf(":");
    const host =
      colon !== -1 && DIGITS.test(virtualHost.slice(colon + 1)) ? virtualHost.slice(0, colon) : virtualHost;
    if (host !== "-" && host !== "") return host;
  }
  return fallback || undefined;
}

const EXCERPT_LIMIT = 80;

/** Enough of a field to recognise it in a reason. */
function excerpt(text: string): string {
  return text.length > EXCERPT_LIMIT ? `${text.slice(0, EXCERPT_LIMIT)}…` : text;
}

const BACKSLASH = 0x5c;
/** Apache's single-character escapes (`ap_escape_logitem`); nginx writes everything else as `\xHH`. */
const SINGLE_CHARACTER_ESCAPES: ReadonlyMap<number, number> = new Map([
  [0x22, 0x22], // \"
  [0x5c, 0x5c], // \\
  [0x62, 0x08], // \b
  [0x6e, 0x0a], // \n
  [0x72, 0x0d], // \r
  [0x74, 0x09], // \t
  [0x76, 0x0b], // \v
]);

/**
 * A quoted log field with Apache/nginx backslash escapes undone. `\xHH` stands for a raw byte, so
 * the result is decoded as UTF-8; `undefined` if those bytes are not valid UTF-8. Unknown escapes
 * are kept as written.
 */
export function unescapeLogField(field: string): string | undefined {
  if (!field.includes("\\")) return field;
  const input = Buffer.from(field, "utf8");
  const output = Buffer.allocUnsafe(input.length);
  let length = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    if (byte === BACKSLASH && i + 1 < input.length) {
      const next = input[i + 1] as number;
      const hex = next === 0x78 ? hexByte(input, i + 2) : -1;
      if (hex !== -1) {
        output[length++] = hex;
        i += 3;
        continue;
      }
      const single = SINGLE_CHARACTER_ESCAPES.get(next);
      if (single !== undefined) {
        output[length++] = single;
        i++;
        continue;
      }
    }
    output[length++] = byte;
  }
  const bytes = output.subarray(0, length);
  return isUtf8(bytes) ? bytes.toString("utf8") : undefined;
}

/** The byte written as two hex digits at `index`, or -1. */
function hexByte(bytes: Buffer, index: number): number {
  if (index + 1 >= bytes.length) return -1;
  const high = hexDigit(bytes[index] as number);
  const low = hexDigit(bytes[index + 1] as number);
  return high === -1 || low === -1 ? -1 : high * 16 + low;
}

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}
