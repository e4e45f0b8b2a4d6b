import { invalidRequest } from "./problem.ts";

/**
 * The Pageview API's parameter rules (AQS 1's `aqsUtil`), pure: normalisation of projects and
 * titles, and the validation of timestamps and calendar dates with the catalogue's messages.
 */

const PROJECT = /^[a-z0-9_.-]+$/;

/** `EN.WIKIPEDIA.ORG`, `www.en.wikipedia.org` → `en.wikipedia`; `all-projects` passes unchanged. */
export function normalizeProject(raw: string): string {
  const project = raw
    .trim()
    .toLowerCase()
    .replace(/^www\./, "")
    .replace(/\.org$/, "");
  // "charaters": Wikimedia's spelling, which clients may match.
  if (!PROJECT.test(project)) throw invalidRequest(["The parameter `project` contains invalid charaters."]);
  return project;
}

/** Longest title accepted, in UTF-8 bytes: four times MediaWiki's 255, for titles the pipeline kept whole. */
export const MAX_ARTICLE_BYTES = 1024;

/** The router has percent-decoded the title; spaces become underscores, and nothing else changes. */
export function normalizeArticle(decoded: string): string {
  if (Buffer.byteLength(decoded, "utf8") > MAX_ARTICLE_BYTES) {
    throw invalidRequest([`The parameter \`article\` is longer than ${MAX_ARTICLE_BYTES} bytes.`]);
  }
  return decoded.replaceAll(" ", "_");
}

/** An inclusive range of `YYYYMMDDHH` hours, as the store reads them. */
export interface HourRange {
  from: string;
  to: string;
}

export interface RangeRules {
  /** Hourly reads need a real hour; otherwise 8 or 10 digits are taken and the hour is ignored. */
  hourly: boolean;
  /** Monthly reads keep only whole months (AQS 1's trimming). */
  monthly: boolean;
}

/**
 * Validates `start` and `end` and returns the hours they select, reporting every problem at once, in
 * AQS 1's order. For daily and monthly reads the hour is set to 00 (the API's daily timestamps).
 */
export function timeRange(start: string, end: string, rules: RangeRules): HourRange {
  const format = rules.hourly ? "YYYYMMDDHH" : "YYYYMMDD";
  const from = parseTimestamp(start, rules.hourly);
  const to = parseTimestamp(end, rules.hourly);
  const problems: string[] = [];
  if (from === null) problems.push(`start timestamp is invalid, must be a valid date in ${format} format`);
  if (to === null) problems.push(`end timestamp is invalid, must be a valid date in ${format} format`);
  if (from === null || to === null) throw invalidRequest(problems);
  if (from > to) problems.push("start timestamp should be before the end timestamp");
  let range = { from, to };
  if (rules.monthly && problems.length === 0) {
    range = wholeMonths(range);
    if (range.from > range.to) problems.push("no full months found in specified date range");
  }
  if (problems.length > 0) throw invalidRequest(problems);
  return range;
}

/**
 * The hours a series read covers at a granularity (see {@link timeRange}), and the last hour its last
 * bucket ends with, which decides how long the answer may be cached.
 */
export function seriesRange(
  start: string,
  end: string,
  granularity: "hourly" | "daily" | "monthly",
): HourRange & { lastHour: string } {
  const range = timeRange(start, end, {
    hourly: granularity === "hourly",
    monthly: granularity === "monthly",
  });
  return { ...range, lastHour: granularity === "hourly" ? range.to : `${range.to.slice(0, 8)}23` };
}

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})?$/;

/** `YYYYMMDD[HH]` → `YYYYMMDDHH`, or null when it is not a real UTC date (and hour). */
function parseTimestamp(value: string, hourly: boolean): string | null {
  const m = TIMESTAMP.exec(value);
  if (m === null) return null;
  const [, year, month, day, hour] = m as unknown as [string, string, string, string, string | undefined];
  if (!isCalendarDate(year, month, day)) return null;
  if (hourly) return hour !== undefined && Number(hour) <= 23 ? value : null;
  if (hour !== undefined && Number(hour) > 23) return null;
  return `${year}${month}${day}00`;
}

/**
 * AQS 1's full-month rule: a start after the 1st moves to the 1st of the next month, an end before the
 * last day of its month moves to the last day of the month before. AQS 2.0 keeps partial edge months
 * instead; AQS 1's is kept because its months are all whole, so comparable.
 */
export function wholeMonths(range: HourRange): HourRange {
  let [year, month, day] = splitDay(range.from);
  if (day !== 1) [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  const from = `${year}${pad(month)}0100`;
  let [endYear, endMonth, endDay] = splitDay(range.to);
  if (endDay !== daysInMonth(endYear, endMonth)) {
    [endYear, endMonth] = endMonth === 1 ? [endYear - 1, 12] : [endYear, endMonth - 1];
    endDay = daysInMonth(endYear, endMonth);
  }
  return { from, to: `${endYear}${pad(endMonth)}${pad(endDay)}00` };
}

/** A `top` day, or a whole month for the literal `all-days`. */
export type TopPeriod = { day: string } | { month: string };

/** `year`/`month`/`day` of the top route: padded to `YYYYMMDD`, or `YYYYMM` for `all-days`. */
export function topPeriod(year: string, month: string, day: string): TopPeriod {
  const date = calendarDate(year, month, day === "all-days" ? "01" : day);
  if (date === null) throw invalidRequest(["Given year/month/day is invalid date"]);
  return day === "all-days" ? { month: date.slice(0, 6) } : { day: date };
}

/** `year`/`month` of top-by-country → `YYYYMM`. */
export function countryMonth(year: string, month: string): string {
  const date = calendarDate(year, month, "01");
  if (date === null) throw invalidRequest(["Given year/month is invalid date"]);
  return date.slice(0, 6);
}

/** `YYYYMMDD` of a calendar date given as a 4-digit year and a 1- or 2-digit month and day, else null. */
function calendarDate(year: string, month: string, day: string): string | null {
  if (!/^\d{4}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) return null;
  const [mm, dd] = [month.padStart(2, "0"), day.padStart(2, "0")];
  return isCalendarDate(year, mm, dd) ? `${year}${mm}${dd}` : null;
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function splitDay(hour: string): [number, number, number] {
  return [Number(hour.slice(0, 4)), Number(hour.slice(4, 6)), Number(hour.slice(6, 8))];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
