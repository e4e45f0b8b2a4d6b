import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AgentType } from "../definition/types.ts";
import type { DumpStore, DumpViewsAt } from "../store/store.ts";
import { writeChecksums } from "./checksums.ts";
import { CompleteLineBuilder } from "./complete-lines.ts";
import { type DumpWriter, openDumpWriter } from "./dump-files.ts";
import { type ArticleViews, pageviewsLines, projectviewsLines } from "./hourly-lines.ts";
import { DAY_SLOTS, HOUR_SLOTS } from "./letters.ts";
import { AGENT_TYPES, type DumpFile, daysOf, dumpPath, parquetPath } from "./names.ts";

/**
 * `pageviews dumps export`: the store's processed hours in [from, to] written as Wikimedia's dumps
 * (hourly pageviews and projectviews, pageview_complete daily, monthly for whole months in range)
 * and as Parquet, with a checksum file in every folder written to.
 */

export interface ExportOptions {
  store: DumpStore;
  /** First and last day, `YYYYMMDD`, inclusive. */
  from: string;
  to: string;
  out: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportReport {
  /** Paths written, relative to `out`. */
  files: string[];
}

export async function exportDumps(options: ExportOptions): Promise<ExportReport> {
  const { store, from, to, out } = options;
  const hours = [...(await store.hourStates()).keys()].filter(
    (hour) => hour >= `${from}00` && hour <= `${to}23`,
  );
  const days = [...new Set(hours.map((hour) => hour.slice(0, 8)))];
  const months = [...new Set(days.map((day) => day.slice(0, 6)))].filter((month) => {
    const monthDays = daysOf(month);
    return (monthDays[0] as string) >= from && (monthDays.at(-1) as string) <= to;
  });
  const files: string[] = [];
  const steps = hours.length + 2 * days.length + months.length;
  let done = 0;
  const step = () => options.onProgress?.(++done, steps);

  for (const hour of hours) {
    files.push(...(await exportHour(store, out, hour)));
    step();
  }
  for (const day of days) {
    files.push(...(await exportComplete(store, out, { day, slots: HOUR_SLOTS })));
    step();
    const parquet = parquetPath(day);
    await store.exportParquet(await prepared(join(out, parquet)), `${day}00`, `${day}23`);
    files.push(parquet);
    step();
  }
  for (const month of months) {
    files.push(...(await exportComplete(store, out, { month, slots: DAY_SLOTS })));
    step();
  }
  for (const folder of new Set(files.map(dirname))) await writeChecksums(join(out, folder));
  return { files };
}

/** `path`, once its folder exists. */
async function prepared(path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  return path;
}

/** An hour's `pageviews` and `projectviews` files, from its `user` views. */
async function exportHour(store: DumpStore, out: string, hour: string): Promise<string[]> {
  const views: ArticleViews[] = [];
  await store.dumpViews(hour, hour, "hour", async (rows) => {
    for (const row of rows) if (row.agent_type === "user") views.push(row);
  });
  const written: string[] = [];
  for (const [kind, lines] of [
    ["pageviews", pageviewsLines(views)],
    ["projectviews", projectviewsLines(views)],
  ] as const) {
    const path = dumpPath({ kind, hour });
    await writeAll(join(out, path), lines);
    written.push(path);
  }
  return written;
}

async function writeAll(path: string, lines: readonly string[]): Promise<void> {
  const writer = await openDumpWriter(path);
  try {
    for (const line of lines) await writer.write(line);
    await writer.end();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

type Period = { day: string; slots: typeof HOUR_SLOTS } | { month: string; slots: typeof DAY_SLOTS };

/** A day's (hour letters) or a month's (day letters) pageview_complete file per agent type. */
async function exportComplete(store: DumpStore, out: string, period: Period): Promise<string[]> {
  const paths = new Map<AgentType, string>();
  const writers = new Map<AgentType, DumpWriter>();
  for (const agent of AGENT_TYPES) {
    const file: DumpFile =
      "day" in period
        ? { kind: "complete-daily", day: period.day, agent }
        : { kind: "complete-monthly", month: period.month, agent };
    paths.set(agent, dumpPath(file));
    writers.set(agent, await openDumpWriter(join(out, dumpPath(file))));
  }
  const [fromHour, toHour] =
    "day" in period
      ? [`${period.day}00`, `${period.day}23`]
      : [`${daysOf(period.month)[0]}00`, `${daysOf(period.month).at(-1)}23`];
  // Rows come by agent type, then page: one builder at a time, its lines to its agent's file.
  const builder = new CompleteLineBuilder(period.slots);
  let agent: AgentType | null = null;
  const slotOf = "day" in period ? hourOfDay : dayOfMonth;
  try {
    await store.dumpViews(fromHour, toHour, "day" in period ? "hour" : "day", async (rows) => {
      for (const row of rows) {
        if (row.agent_type !== agent) {
          if (agent !== null) await writeLine(writers, agent, builder.finish());
          agent = row.agent_type;
        }
        await writeLine(writers, agent, builder.add(row, slotOf(row), row.views));
      }
    });
    if (agent !== null) await writeLine(writers, agent, builder.finish());
    for (const writer of writers.values()) await writer.end();
  } catch (error) {
    for (const writer of writers.values()) await writer.abort();
    throw error;
  }
  return [...paths.values()];
}

async function writeLine(writers: Map<AgentType, DumpWriter>, agent: AgentType, line: string | null) {
  if (line !== null) await (writers.get(agent) as DumpWriter).write(line);
}

/** `YYYYMMDDHH` → 0…23. */
function hourOfDay(row: DumpViewsAt): number {
  return Number(row.time.slice(8, 10));
}

/** `YYYYMMDD` → 0…30. */
function dayOfMonth(row: DumpViewsAt): number {
  return Number(row.time.slice(6, 8)) - 1;
}
