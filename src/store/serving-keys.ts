import type { AccessMethod } from "../definition/types.ts";
import type { ApiAccess, ApiAgent } from "./store.ts";

/**
 * Keys as the tables store them. Hours, days and months are the integers YYYYMMDDHH, YYYYMMDD and
 * YYYYMM: 4 bytes, ordered like time, constant within an hour's slice (so compressed to nothing), and
 * the pipeline's own `YYYYMMDDHH` strings without a conversion step. A day is `hour / 100` and a month
 * `day / 100`.
 */

/** The access key of the rows that sum every access method (top tables only). */
export const ALL_ACCESS = "all-access";
const ALL_AGENTS = "all-agents";

/** The one mapping from the API's access names to the stored `access_method` ("mobile web", ...). */
const ACCESS_METHODS: Readonly<Record<ApiAccess, AccessMethod | typeof ALL_ACCESS>> = {
  "all-access": ALL_ACCESS,
  desktop: "desktop",
  "mobile-app": "mobile app",
  "mobile-web": "mobile web",
};

/** The stored access_method for an API access; `all-access` is kept as is (a sum, or the top tables' key). */
export function storedAccess(access: ApiAccess): AccessMethod | typeof ALL_ACCESS {
  const stored = ACCESS_METHODS[access];
  if (stored === undefined) throw new RangeError(`Not an access: ${access}`);
  return stored;
}

/** Agent types are stored under their API names; `all-agents` means no filter. */
export function storedAgent(agent: ApiAgent): ApiAgent {
  if (agent !== ALL_AGENTS && agent !== "user" && agent !== "spider" && agent !== "automated") {
    throw new RangeError(`Not an agent: ${agent}`);
  }
  return agent;
}

const HOUR = /^(\d{4})(\d{2})(\d{2})(\d{2})$/;
const DAY = /^(\d{4})(\d{2})(\d{2})$/;
const MONTH = /^(\d{4})(\d{2})$/;

/** `YYYYMMDDHH` → YYYYMMDDHH, refusing what is not a real UTC hour. */
export function hourKey(hour: string): number {
  const m = HOUR.exec(hour);
  if (m === null || !isRealDate(m[1], m[2], m[3]) || Number(m[4]) > 23) {
    throw new RangeError(`Not a YYYYMMDDHH hour: ${hour}`);
  }
  return Number(hour);
}

/** `YYYYMMDD` → YYYYMMDD. */
export function dayKey(day: string): number {
  const m = DAY.exec(day);
  if (m === null || !isRealDate(m[1], m[2], m[3])) throw new RangeError(`Not a YYYYMMDD day: ${day}`);
  return Number(day);
}

/** `YYYYMM` → YYYYMM. */
export function monthKey(month: string): number {
  const m = MONTH.exec(month);
  if (m === null || !isRealDate(m[1], m[2], "01")) throw new RangeError(`Not a YYYYMM month: ${month}`);
  return Number(month);
}

function isRealDate(year = "", month = "", day = ""): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

/** Inclusive key bounds of the buckets whose API timestamp lies in [from, to] (`YYYYMMDDHH` each). */
export interface KeyRange {
  first: number;
  last: number;
}

export function hourRange(from: string, to: string): KeyRange {
  return { first: hourKey(from), last: hourKey(to) };
}

/** Days d with d·100 (`YYYYMMDD00`) in range. */
export function dayRange(from: string, to: string): KeyRange {
  const { first, last } = hourRange(from, to);
  return { first: Math.ceil(first / 100), last: Math.floor(last / 100) };
}

/** Months m with m·10000 + 100 (`YYYYMM0100`) in range. */
export function monthRange(from: string, to: string): KeyRange {
  const { first, last } = hourRange(from, to);
  return { first: Math.ceil((first - 100) / 10_000), last: Math.floor((last - 100) / 10_000) };
}

/** Bucket keys back to the API's timestamps. */
export function hourTimestamp(hour: number): string {
  return String(hour);
}

export function dayTimestamp(day: number): string {
  return `${day}00`;
}

export function monthTimestamp(month: number): string {
  return `${month}0100`;
}

/** The days (YYYYMMDD keys) of a month (YYYYMM), first and last. */
export function daysOfMonth(month: number): KeyRange {
  const year = Math.floor(month / 100);
  const lastDay = new Date(Date.UTC(year, month % 100, 0)).getUTCDate();
  return { first: month * 100 + 1, last: month * 100 + lastDay };
}

/** The hours (YYYYMMDDHH keys) of a day (YYYYMMDD). */
export function hoursOfDay(day: number): KeyRange {
  return { first: day * 100, last: day * 100 + 23 };
}

/**
 * Where a series of one granularity is read, for either store's SQL: the table, the stored time key
 * `range` bounds, and the bucket of a row (`column`, or a coarser key computed from it in the store's
 * dialect).
 */
export interface SeriesBuckets {
  table: string;
  column: string;
  range: (from: string, to: string) => KeyRange;
  bucket: string;
  timestamp: (bucket: number) => string;
}

/**
 * Per-article days come from per_article_daily, months sum them (`monthOfDay` turns the day key into
 * the month's: `day // 100` in DuckDB, `intDiv(day, 100)` in ClickHouse); hours read pageview_hourly.
 */
export function articleBuckets(
  monthOfDay: string,
): Readonly<Record<"hourly" | "daily" | "monthly", SeriesBuckets>> {
  return {
    hourly: {
      table: "pageview_hourly",
      column: "hour",
      range: hourRange,
      bucket: "hour",
      timestamp: hourTimestamp,
    },
    daily: {
      table: "per_article_daily",
      column: "day",
      range: dayRange,
      bucket: "day",
      timestamp: dayTimestamp,
    },
    monthly: {
      table: "per_article_daily",
      column: "day",
      range: dayRange,
      bucket: monthOfDay,
      timestamp: monthTimestamp,
    },
  };
}

/** The buckets of a granularity, refusing what is not one (the API checked; this guards other callers). */
export function bucketsOf(
  table: Readonly<Record<"hourly" | "daily" | "monthly", SeriesBuckets>>,
  granularity: "hourly" | "daily" | "monthly",
): SeriesBuckets {
  const buckets = table[granularity];
  if (buckets === undefined) throw new RangeError(`Not a granularity: ${granularity}`);
  return buckets;
}
