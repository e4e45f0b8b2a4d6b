/**
 * Timestamps in the form the rest of the system expects: UTC, whole seconds, `yyyy-MM-ddTHH:mm:ssZ`.
 */

const NORMAL_FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;
const COMMON_LOG_TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

let lastIsoTimestamp = "";
let lastIsoResult: string | undefined;

/**
 * An ISO 8601 date-time with a zone (`Z`, `±hh`, `±hhmm` or `±hh:mm`) in UTC, fractions of a second
 * dropped; `undefined` if it is not one or names an impossible time. Without a zone there is no way
 * to reach UTC, so such values are refused rather than guessed.
 */
export function normaliseIsoTimestamp(value: string): string | undefined {
  // Consecutive requests usually share a second, so the last answer is remembered.
  if (value !== lastIsoTimestamp) {
    lastIsoTimestamp = value;
    lastIsoResult = convertIsoTimestamp(value);
  }
  return lastIsoResult;
}

function convertIsoTimestamp(value: string): string | undefined {
  const normal = NORMAL_FORM.exec(value);
  if (normal) {
    // The common case (varnishkafka writes exactly this): only the field ranges need checking.
    return isValidTime(fieldsOf(normal)) ? value : undefined;
  }
  const match = ISO_8601.exec(value);
  if (!match) return undefined;
  const sign = match[7] === "-" ? -1 : 1;
  const offsetHours = Number(match[8] ?? 0);
  const offsetMinutes = Number(match[9] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  return toUtc(fieldsOf(match), sign * (offsetHours * 60 + offsetMinutes));
}

let lastCommonLogTime = "";
let lastCommonLogResult: string | undefined;

/**
 * A common-log-format time (`10/Oct/2000:13:55:36 -0700`: Apache `%t`, nginx `$time_local`) in UTC.
 */
export function commonLogTimeToUtc(value: string): string | undefined {
  // Consecutive log lines usually share a second, so the last answer is remembered.
  if (value !== lastCommonLogTime) {
    lastCommonLogTime = value;
    lastCommonLogResult = convertCommonLogTime(value);
  }
  return lastCommonLogResult;
}

function convertCommonLogTime(value: string): string | undefined {
  const match = COMMON_LOG_TIME.exec(value);
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[2] as string) + 1;
  const offsetMinutes = Number(match[9]);
  if (month === 0 || offsetMinutes > 59) return undefined;
  const sign = match[7] === "-" ? -1 : 1;
  const time: TimeFields = {
    year: Number(match[3]),
    month,
    day: Number(match[1]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6]),
  };
  return toUtc(time, sign * (Number(match[8]) * 60 + offsetMinutes));
}

interface TimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Fields 1–6 of a `year-month-day hour:minute:second` match. */
function fieldsOf(match: RegExpExecArray): TimeFields {
  return {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6]),
  };
}

function toUtc(time: TimeFields, offsetMinutes: number): string | undefined {
  if (!isValidTime(time)) return undefined;
  const { year, month, day, hour, minute, second } = time;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year); // Date.UTC reads years 0–99 as 1900–1999
  date.setTime(date.getTime() - offsetMinutes * 60_000);
  const iso = date.toISOString();
  // Offsets can push 9999-12-31 past year 9999, where toISOString switches to a six-digit year.
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : undefined;
}

function isValidTime({ year, month, day, hour, minute, second }: TimeFields): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const isLeapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && isLeapYear ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}
