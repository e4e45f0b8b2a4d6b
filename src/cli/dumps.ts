import { mkdir } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { exportDumps } from "../dumps/export.ts";
import { type ImportReport, importDumps } from "../dumps/import.ts";
import { storePath } from "../store/data-dir.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { lockDataDir } from "../store/lock.ts";
import { progressDisplay } from "./progress.ts";

/** `pageviews dumps`: Wikimedia's public dump formats out of the store, and Wikimedia's dumps into it. */
export function dumpsCommand(): Command {
  return new Command("dumps")
    .description("Export pageviews in Wikimedia's dump formats, or import Wikimedia's published dumps")
    .addCommand(exportCommand())
    .addCommand(importCommand());
}

function exportCommand(): Command {
  return new Command("export")
    .description(
      "Write hourly pageviews/projectviews, daily and monthly pageview_complete and Parquet files for a range " +
        "of days, in Wikimedia's YYYY/YYYY-MM folders, each with a sha256sums.txt",
    )
    .option("--data-dir <dir>", "data directory", "./data")
    .requiredOption("--from <date>", "first day (YYYY-MM-DD or YYYYMMDD)", day)
    .requiredOption("--to <date>", "last day, inclusive", day)
    .requiredOption("--out <dir>", "directory to write the dumps to")
    .action(async (options: { dataDir: string; from: string; to: string; out: string }) => {
      if (options.from > options.to) throw new InvalidArgumentError("--from is after --to.");
      const store = await DuckDbStore.open(storePath(options.dataDir), { readOnly: true });
      const display = progressDisplay();
      try {
        const report = await exportDumps({
          store,
          from: options.from,
          to: options.to,
          out: options.out,
          onProgress: (done, total) => display.update(() => [done / total, `exporting: ${done}/${total}`]),
        });
        display.stop();
        process.stderr.write(`files written: ${report.files.length}\n`);
      } finally {
        display.stop();
        await store.close();
      }
    });
}

function importCommand(): Command {
  return new Command("import")
    .description(
      "Load Wikimedia's hourly pageviews-*.gz, projectviews-*, pageview_complete pageviews-*-<agent>.bz2 " +
        "(daily or monthly) and legacy pagecounts-*.gz files; a file already imported is skipped",
    )
    .argument("<files...>", "dump files (kind and time from the name, compression from the content)")
    .option("--data-dir <dir>", "data directory", "./data")
    .option("--wait", "wait for another process writing to the data directory instead of refusing")
    .action(async (files: string[], options: { dataDir: string; wait?: boolean }) => {
      await mkdir(options.dataDir, { recursive: true });
      const lock = await lockDataDir(options.dataDir, { wait: options.wait });
      const store = await DuckDbStore.open(storePath(options.dataDir));
      const display = progressDisplay();
      try {
        const report = await importDumps(files, {
          store,
          onProgress: (read, total, file) =>
            display.update(() => [
              total === 0 ? 1 : read / total,
              `importing ${file}: ${(read / 2 ** 20).toFixed(1)} MiB`,
            ]),
        });
        display.stop();
        process.stderr.write(formatImportReport(report));
        if (report.files.some((file) => file.status === "refused")) process.exitCode = 1;
      } finally {
        display.stop();
        await store.close();
        await lock.release();
      }
    });
}

const DAY = /^(\d{4})-?(\d{2})-?(\d{2})$/;

/** `YYYY-MM-DD` or `YYYYMMDD` → `YYYYMMDD`, refusing dates that do not exist. */
export function day(value: string): string {
  const match = DAY.exec(value);
  const [, year = "", month = "", date = ""] = match ?? [];
  const parsed = new Date(`${year}-${month}-${date}T00:00:00Z`);
  if (match === null || Number.isNaN(parsed.getTime()) || parsed.getUTCDate() !== Number(date)) {
    throw new InvalidArgumentError(`Not a date (YYYY-MM-DD): ${value}`);
  }
  return `${year}${month}${date}`;
}

export function formatImportReport(report: ImportReport): string {
  const rate = report.seconds > 0 ? Math.round(report.linesRead / report.seconds) : 0;
  const lines = report.files.map((file) => {
    if (file.status === "unchanged") return `${file.path}: already imported, skipped`;
    if (file.status === "refused") return file.refusal ?? `${file.path}: refused`;
    const malformed =
      file.malformed === 0 ? "" : `, ${file.malformed} malformed (lines ${file.malformedAt.join(", ")}…)`;
    const unknown = file.unknownCodes === 0 ? "" : `, ${file.unknownCodes} with an unknown domain code`;
    const hours = file.hours.length === 0 ? ", no hour written (they hold article views)" : "";
    return `${file.path}: ${file.lines} lines${malformed}${unknown}${hours}`;
  });
  lines.push(
    `lines read: ${report.linesRead}  (${rate.toLocaleString("en-US")} lines/s, ${report.seconds.toFixed(2)} s)`,
  );
  return `${lines.join("\n")}\n`;
}
