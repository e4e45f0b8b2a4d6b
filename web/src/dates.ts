/**
 * Days and months as the dashboard handles them: ISO strings (`YYYY-MM-DD`, `YYYY-MM`), in UTC like the
 * API. Pure functions, no DOM.
 */

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;

export const RANGE_PRESETS = ["last-30", "last-90", "this-year", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export interface DayRange {
  start: string;
  end: string;
}

/** Whether `text` is a real calendar day (`2026-02-30` is not). */
export function isIsoDay(text: string): boolean {
  const match = ISO_DAY.exec(text);
  if (match === null) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return isoDay(date) === text;
}

export function isIsoMonth(text: string): boolean {
  const match = ISO_MONTH.exec(text);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function dayToDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function addDays(day: string, days: number): string {
  return isoDay(new Date(dayToDate(day).getTime() + days * DAY_MS));
}

/** Every day from `start` to `end`, both included. */
export function daysOf({ start, end }: DayRange): string[] {
  const days: string[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push(day);
  return days;
}

export function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return isoDay(new Date(Date.UTC(year, monthNumber, 0)));
}

/**
 * The months lying wholly inside the range: what the API's monthly reads answer (AQS 1's rule: a
 * start after the 1st moves to the next month, an end before the month's last day to the month before).
 */
export function wholeMonthsOf({ start, end }: DayRange): string[] {
  const months: string[] = [];
  let month = start.endsWith("-01") ? start.slice(0, 7) : nextMonth(start.slice(0, 7));
  while (lastDayOfMonth(month) <= end) {
    months.push(month);
    month = nextMonth(month);
  }
  return months;
}

export function nextMonth(month: string): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return isoDay(new Date(Date.UTC(year, monthNumber, 1))).slice(0, 7);
}

export function previousMonth(month: string): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return isoDay(new Date(Date.UTC(year, monthNumber - 2, 1))).slice(0, 7);
}

/** The latest month that `lastDay` completes, or the month before it when `lastDay` is mid-month. */
export function lastWholeMonth(lastDay: string): string {
  const month = lastDay.slice(0, 7);
  return lastDayOfMonth(month) === lastDay ? month : previousMonth(month);
}

/** The days a preset covers, ending with `lastDay` (the latest day with data). */
export function presetRange(preset: Exclude<RangePreset, "custom">, lastDay: string): DayRange {
  switch (preset) {
    case "last-30":
      return { start: addDays(lastDay, -29), end: lastDay };
    case "last-90":
      return { start: addDays(lastDay, -89), end: lastDay };
    case "this-year":
      return { start: `${lastDay.slice(0, 4)}-01-01`, end: lastDay };
  }
}

/** `2026-01-30` as the API's timestamp, `2026013000`. */
export function apiTimestamp(day: string): string {
  return `${day.replaceAll("-", "")}00`;
}

/** The API's `YYYYMMDDHH` timestamp as the dashboard's day (`2026-01-30`) or month (`2026-01`). */
export function bucketOfTimestamp(timestamp: string, granularity: "daily" | "monthly"): string {
  const day = `${timestamp.slice(0, 4)}-${timestamp.slice(4, 6)}-${timestamp.slice(6, 8)}`;
  return granularity === "daily" ? day : day.slice(0, 7);
}

/** How many days the buckets cover: for monthly buckets, the days of each month. */
export function daysCovered(buckets: readonly string[], granularity: "daily" | "monthly"): number {
  if (granularity === "daily") return buckets.length;
  return buckets.reduce((days, month) => days + Number(lastDayOfMonth(month).slice(8, 10)), 0);
}

/** Yesterday in UTC: the last day with complete data when the API does not tell. */
export function yesterdayUtc(now: Date = new Date()): string {
  return isoDay(new Date(now.getTime() - DAY_MS));
}
