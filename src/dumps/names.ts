import type { AgentType } from "../definition/types.ts";
import { addHours } from "../hours.ts";

/**
 * Dump file names and folders, as on dumps.wikimedia.org under `other/`: every file sits in a
 * `YYYY/YYYY-MM/` folder of its dataset. Hourly files are named after the **end** of their hour
 * (webstatscollector's habit): `pageviews-20240101-010000.gz` holds 00:00–00:59 UTC.
 */

export const AGENT_TYPES: readonly AgentType[] = ["user", "spider", "automated"];

/** The dump files this system writes and reads, with the time each covers. */
export type DumpFile =
  | { kind: "pageviews" | "projectviews" | "pagecounts"; hour: string }
  | { kind: "complete-daily"; day: string; agent: AgentType }
  | { kind: "complete-monthly"; month: string; agent: AgentType };

/** `YYYY/YYYY-MM` of a day (`YYYYMMDD`) or month (`YYYYMM`). */
function folder(date: string): string {
  return `${date.slice(0, 4)}/${date.slice(0, 4)}-${date.slice(4, 6)}`;
}

/** An hourly file's `YYYYMMDD-HH0000`: the hour after `hour`. */
function hourlyStamp(hour: string): string {
  const end = addHours(hour, 1);
  return `${end.slice(0, 8)}-${end.slice(8, 10)}0000`;
}

/** Path, relative to the export directory, of a dump file; folders follow the date in the name. */
export function dumpPath(file: DumpFile): string {
  switch (file.kind) {
    case "pageviews":
    case "projectviews":
    case "pagecounts": {
      const stamp = hourlyStamp(file.hour);
      const extension = file.kind === "projectviews" ? "" : ".gz";
      const dataset = file.kind === "pagecounts" ? "pagecounts" : "pageviews";
      return `${dataset}/${folder(stamp)}/${file.kind}-${stamp}${extension}`;
    }
    case "complete-daily":
      return `pageview_complete/${folder(file.day)}/pageviews-${file.day}-${file.agent}.bz2`;
    case "complete-monthly":
      return `pageview_complete/monthly/${folder(file.month)}/pageviews-${file.month}-${file.agent}.bz2`;
  }
}

/** Path of the Parquet export of a day of pageview_hourly. */
export function parquetPath(day: string): string {
  return `pageview_hourly/${folder(day)}/pageview_hourly-${day}.parquet`;
}

const HOURLY_NAME = /^(pageviews|projectviews|pagecounts)-(\d{8})-(\d{2})\d{4}(?:\.gz)?$/;
const DAILY_NAME = /^pageviews-(\d{8})-(user|spider|automated)(?:\.bz2)?$/;
const MONTHLY_NAME = /^pageviews-(\d{6})-(user|spider|automated)(?:\.bz2)?$/;

/**
 * What a file holds, from its base name (with or without its compression extension, since a
 * downloaded file may have been decompressed); null if the name is not a dump's.
 */
export function parseDumpName(name: string): DumpFile | null {
  const hourly = HOURLY_NAME.exec(name);
  if (hourly !== null) {
    const [, kind, date = "", hour = ""] = hourly;
    if (!isDate(date) || Number(hour) > 23) return null;
    return { kind: kind as "pageviews", hour: addHours(date + hour, -1) };
  }
  const daily = DAILY_NAME.exec(name);
  if (daily !== null) {
    const [, day = "", agent] = daily;
    return isDate(day) ? { kind: "complete-daily", day, agent: agent as AgentType } : null;
  }
  const monthly = MONTHLY_NAME.exec(name);
  if (monthly !== null) {
    const [, month = "", agent] = monthly;
    return isDate(`${month}01`) ? { kind: "complete-monthly", month, agent: agent as AgentType } : null;
  }
  return null;
}

function isDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The days (`YYYYMMDD`) of a month (`YYYYMM`). */
export function daysOf(month: string): string[] {
  const count = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(4, 6)), 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${month}${String(i + 1).padStart(2, "0")}`);
}
