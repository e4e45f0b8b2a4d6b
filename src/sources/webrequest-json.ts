import type { RawRequest } from "../definition/types.ts";
import { normaliseIsoTimestamp } from "./timestamp.ts";

/** Fields every webrequest line must carry, in the order problems with them are reported. */
const REQUIRED_FIELDS = [
  "dt",
  "ip",
  "uri_host",
  "uri_path",
  "uri_query",
  "http_status",
  "content_type",
  "user_agent",
] as const satisfies readonly (keyof RawRequest)[];

/** Optional fields and the value an absent one stands for (what varnishkafka writes for no header). */
const OPTIONAL_FIELD_DEFAULTS = {
  referer: "-",
  accept_language: "",
  x_analytics: "-",
} as const satisfies Partial<Record<keyof RawRequest, string>>;

const OPTIONAL_FIELD_NAMES = Object.keys(OPTIONAL_FIELD_DEFAULTS) as (keyof typeof OPTIONAL_FIELD_DEFAULTS)[];

/**
 * One line of Wikimedia webrequest JSON (varnishkafka output, spec section 5) as a request, or the
 * reason it cannot be one. `http_status` may be a JSON integer and is then stringified; `dt` is
 * normalised to `yyyy-MM-ddTHH:mm:ssZ`; fields the definition does not read are ignored.
 */
export function parseWebrequestLine(line: string): RawRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `invalid JSON: ${(error as Error).message}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `expected a JSON object, got ${describe(value)}`;
  }
  const fields = value as Record<string, unknown>;
  if (!hasUsualFieldTypes(fields)) {
    const problem = firstFieldProblem(fields);
    if (problem !== undefined) return problem;
  }
  const dt = normaliseIsoTimestamp(fields.dt as string);
  if (dt === undefined) {
    return `field "dt" is not an ISO 8601 time with a time zone: ${JSON.stringify(fields.dt)}`;
  }

  return {
    dt,
    ip: fields.ip as string,
    uri_host: fields.uri_host as string,
    uri_path: fields.uri_path as string,
    uri_query: fields.uri_query as string,
    http_status: String(fields.http_status),
    content_type: fields.content_type as string,
    user_agent: fields.user_agent as string,
    referer: (fields.referer as string | undefined) ?? OPTIONAL_FIELD_DEFAULTS.referer,
    accept_language:
      (fields.accept_language as string | undefined) ?? OPTIONAL_FIELD_DEFAULTS.accept_language,
    x_analytics: (fields.x_analytics as string | undefined) ?? OPTIONAL_FIELD_DEFAULTS.x_analytics,
  };
}

/**
 * Whether the fields pass the checks of {@link firstFieldProblem} with a quoted status, as usual
 * lines do. Each field is read by its name: reading them by a variable key, as that loop does, cost
 * a tenth of the parse.
 */
function hasUsualFieldTypes(fields: Record<string, unknown>): boolean {
  return (
    typeof fields.dt === "string" &&
    typeof fields.ip === "string" &&
    typeof fields.uri_host === "string" &&
    typeof fields.uri_path === "string" &&
    typeof fields.uri_query === "string" &&
    typeof fields.http_status === "string" &&
    typeof fields.content_type === "string" &&
    typeof fields.user_agent === "string" &&
    (fields.referer === undefined || typeof fields.referer === "string") &&
    (fields.accept_language === undefined || typeof fields.accept_language === "string") &&
    (fields.x_analytics === undefined || typeof fields.x_analytics === "string")
  );
}

/** What is wrong with the fields, the first problem in the order of the field lists; `undefined` if nothing. */
function firstFieldProblem(fields: Record<string, unknown>): string | undefined {
  for (const name of REQUIRED_FIELDS) {
    const field = fields[name];
    if (typeof field === "string") continue;
    // varnishkafka configurations differ on quoting the status; a JSON integer is accepted as well.
    if (name === "http_status" && Number.isInteger(field)) continue;
    return fieldProblem(name, field, name === "http_status" ? "a string or an integer" : "a string");
  }
  for (const name of OPTIONAL_FIELD_NAMES) {
    const field = fields[name];
    if (field !== undefined && typeof field !== "string") return fieldProblem(name, field, "a string");
  }
  return undefined;
}

function fieldProblem(name: string, value: unknown, expected: string): string {
  return value === undefined
    ? `missing required field "${name}"`
    : `field "${name}" must be ${expected}, got ${describe(value)}`;
}

const QUOTED_VALUE_LIMIT = 40;

/** How a JSON value reads in a reason: its kind, and short values themselves. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "object":
      return "an object";
    case "string": {
      const quoted = JSON.stringify(value);
      return `the string ${quoted.length > QUOTED_VALUE_LIMIT ? `${quoted.slice(0, QUOTED_VALUE_LIMIT)}…` : quoted}`;
    }
    default:
      return `the ${typeof value} ${String(value)}`;
  }
}
