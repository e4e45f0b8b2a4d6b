/**
 * The one way values enter ClickHouse SQL. ClickHouse 18.16 (Debian's) has no query parameters, so
 * every value in a statement is a literal made here; nothing else builds literals.
 */

/** Characters written as escapes in a string literal; every other character is itself (UTF-8). */
const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "'": "\\'",
  "`": "\\`",
  "\0": "\\0",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};
const NEEDS_ESCAPE = /[\\'`\0\b\f\n\r\t]/g;

function escapeText(text: string): string {
  return text.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] ?? c);
}

/**
 * A SQL value as a literal: strings quoted and escaped (backslash, quote, NUL and control characters),
 * numbers only when they are finite integers, `null` as NULL.
 */
export function sqlValue(value: string | number | null): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`Not an integer SQL value: ${value}`);
    return String(value);
  }
  if (typeof value !== "string") throw new TypeError(`Not a SQL value: ${String(value)}`);
  return `'${escapeText(value)}'`;
}

/** A list of values for `IN (...)`; an empty list is refused (it is not valid SQL). */
export function sqlList(values: readonly (string | number)[]): string {
  if (values.length === 0) throw new RangeError("An IN list needs at least one value.");
  return `(${values.map(sqlValue).join(", ")})`;
}

/** A database, table or cluster name, back-quoted. */
export function sqlIdentifier(name: string): string {
  if (name.length === 0) throw new RangeError("An identifier cannot be empty.");
  return `\`${escapeText(name)}\``;
}
