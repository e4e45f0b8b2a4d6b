import { stat } from "node:fs/promises";
import { Command, InvalidArgumentError, Option } from "commander";
import { loadConfig } from "../config/load.ts";
import type { PageviewsConfig } from "../config/schema.ts";
import { unlessMissing } from "../missing-file.ts";
import { type AuditEntry, AuditLog, auditLogPath, readAuditLog } from "../pipeline/audit-log.ts";
import {
  type ActorData,
  checkRetentionDays,
  DEFAULT_RETENTION_DAYS,
  MAX_RETENTION_DAYS,
  type PurgePlan,
  type PurgeReport,
  planPurge,
  purge,
  purgeSucceeded,
  segmentTotals,
} from "../pipeline/purge.ts";
import { openStore } from "../service/open-store.ts";
import { lockDataDir } from "../store/lock.ts";
import { RawZone } from "../store/raw-zone.ts";
import { addConfigOption } from "./config.ts";
import { addStoreOptions, type StoreFlags, storeFlagsOf } from "./store-options.ts";

interface PurgeCommandOptions extends StoreFlags {
  config?: string;
  dataDir?: string;
  now?: Date;
  retentionDays: number;
  dryRun?: boolean;
  audit?: boolean;
  wait?: boolean;
}

export function purgeCommand(): Command {
  const command = new Command("purge")
    .description(
      "Delete raw requests and actor metrics older than the retention period, and record it in the audit " +
        "log. Aggregated pageviews are kept.",
    )
    .option("--data-dir <dir>", "data directory (default: ./data, or the configuration's)")
    .option("--now <iso>", "the time the retention is counted back from (default: the current time)", isoTime)
    .option(
      "--retention-days <n>",
      `days of raw requests and actor metrics to keep, 1 to ${MAX_RETENTION_DAYS}`,
      retentionDays,
      DEFAULT_RETENTION_DAYS,
    )
    .option("--dry-run", "list what would be deleted, and delete nothing")
    .addOption(
      new Option("--audit", "print the audit log of past purges instead of purging").conflicts([
        "dryRun",
        "now",
        "retentionDays",
      ]),
    )
    .option("--wait", "wait for another process writing to the data directory instead of refusing")
    .action(async (options: PurgeCommandOptions) => {
      process.exitCode = await runPurgeCommand(options);
    });
  // The store whose actor data is purged: the configured one, as for serve.
  return addStoreOptions(addConfigOption(command));
}

/** Returns the exit status: 0, or 1 when anything due was not deleted or the audit log is damaged. */
async function runPurgeCommand(options: PurgeCommandOptions): Promise<number> {
  try {
    const config = loadConfig({
      file: options.config,
      env: process.env,
      flags: { dataDir: options.dataDir, ...storeFlagsOf(options) },
    });
    const { dataDir } = config;
    if (!(await isDirectory(dataDir))) {
      throw new Error(`There is no data directory at ${dataDir} (see --data-dir).`);
    }
    if (options.audit) return await printAuditLog(auditLogPath(dataDir));
    const now = options.now ?? new Date();
    const purgeOptions = { now, retentionDays: options.retentionDays };
    const raw = new RawZone(dataDir);
    if (options.dryRun) {
      process.stdout.write(formatPlan(await planPurge(raw, purgeOptions)));
      return 0;
    }
    if (now.getTime() > Date.now()) {
      throw new Error(
        "--now is later than the current time: counted from the future, the retention would delete data " +
          "it must keep. Add --dry-run to see what a later purge will delete.",
      );
    }
    const lock = await lockDataDir(dataDir, { wait: options.wait });
    try {
      const audit = await AuditLog.open(auditLogPath(dataDir));
      let report: PurgeReport;
      try {
        report = await purge({ raw, actorData: actorDataOf(config), audit }, purgeOptions);
      } finally {
        await audit.close();
      }
      process.stdout.write(formatReport(report, audit.path));
      if (purgeSucceeded(report)) return 0;
      process.stderr.write(formatFailures(report, audit.path));
      return 1;
    } finally {
      await lock.release();
    }
  } catch (error) {
    process.stderr.write(`pageviews purge: ${(error as Error).message}\n`);
    return 1;
  }
}

/**
 * The configured store (DuckDB in the data directory unless the configuration or the flags say
 * ClickHouse), opened only for the deletion, so that a store that cannot be opened is audited too.
 */
function actorDataOf(config: PageviewsConfig): ActorData {
  return {
    async deleteActorDataBefore(hour) {
      const store = await openStore(config);
      try {
        return await store.deleteActorDataBefore(hour);
      } finally {
        await store.close();
      }
    },
  };
}

async function printAuditLog(path: string): Promise<number> {
  const { entries, corrupt } = await readAuditLog(path);
  if (entries.length === 0 && corrupt.length === 0) {
    process.stdout.write(`No purge is recorded in ${path} yet.\n`);
    return 0;
  }
  process.stdout.write(formatAuditTable(entries));
  for (const { line, reason } of corrupt) process.stderr.write(`${path}:${line}: corrupt entry: ${reason}\n`);
  return corrupt.length > 0 ? 1 : 0;
}

function formatPlan(plan: PurgePlan): string {
  const segments = plan.hours.flatMap((hour) => hour.segments);
  const out = [
    "Dry run: nothing was deleted.",
    retentionLine(plan),
    `Raw hours that would be deleted: ${plan.hours.length} (${sizes(segmentTotals(segments))})`,
  ];
  for (const { hour, segments } of plan.hours) {
    out.push(`  ${hour}  ${sizes(segmentTotals(segments))}`);
  }
  out.push(
    `Actor metrics and labels of the hours before ${plan.firstKeptHour} would be deleted.`,
    `Checksum of the segment list: ${plan.checksum}`,
    "(the audit entry of a purge that deletes exactly these segments will carry the same checksum)",
  );
  return `${out.join("\n")}\n`;
}

function formatReport(report: PurgeReport, auditPath: string): string {
  const actorRows = report.actorRowsDeleted === null ? "no" : formatCount(report.actorRowsDeleted);
  return (
    `Deleted ${report.totals.hours} raw hours (${sizes(report.totals)}) and ${actorRows} actor-metric and label rows.\n` +
    `${retentionLine(report)}\n` +
    `Audit entry appended to ${auditPath} (checksum ${report.checksum}).\n`
  );
}

function formatFailures(report: PurgeReport, auditPath: string): string {
  const out = ["pageviews purge: not everything due was deleted:"];
  for (const hour of report.notDeleted) {
    out.push(`  hour ${hour.hour}: ${sizes(hour)} left: ${hour.error}`);
  }
  if (report.actorDataError !== null) out.push(`  actor metrics and labels: ${report.actorDataError}`);
  out.push(
    `Everything else due was deleted. ${auditPath} records what was and was not; fix the cause and run ` +
      "the purge again.",
  );
  return `${out.join("\n")}\n`;
}

function retentionLine(boundary: { retentionDays: number; now: Date; cutoff: Date; firstKeptHour: string }) {
  return (
    `Retention ${boundary.retentionDays} days, counted back from ${seconds(boundary.now.toISOString())}: ` +
    `hours ending before ${seconds(boundary.cutoff.toISOString())} go, hours from ${boundary.firstKeptHour} on are kept.`
  );
}

const AUDIT_COLUMNS = [
  "time (UTC)",
  "status",
  "retention",
  "first kept",
  "hours",
  "segments",
  "lines",
  "bytes",
  "actor rows",
  "checksum",
] as const;
/** Columns of numbers, aligned right. */
const NUMERIC = new Set([2, 4, 5, 6, 7, 8]);

function formatAuditTable(entries: readonly AuditEntry[]): string {
  const rows = entries.map((entry) => [
    seconds(entry.time),
    entry.status,
    `${entry.retention_days} d`,
    entry.first_kept_hour,
    formatCount(entry.totals.hours),
    formatCount(entry.totals.segments),
    formatCount(entry.totals.lines),
    formatBytes(entry.totals.bytes),
    entry.actor_rows_deleted === null ? "-" : formatCount(entry.actor_rows_deleted),
    entry.checksum.slice(0, 12),
  ]);
  const widths = AUDIT_COLUMNS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        NUMERIC.has(column) ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number),
      )
      .join("  ")
      .trimEnd();
  const out = [line(AUDIT_COLUMNS), ...rows.map(line)];
  const failures = entries.flatMap((entry) => [
    ...entry.not_deleted_hours.map(
      (hour) => `  ${seconds(entry.time)}  hour ${hour.hour}: ${sizes(hour)} left: ${hour.error}`,
    ),
    ...(entry.actor_data_error === null
      ? []
      : [`  ${seconds(entry.time)}  actor metrics and labels: ${entry.actor_data_error}`]),
  ]);
  if (failures.length > 0) out.push("", "Not deleted:", ...failures);
  return `${out.join("\n")}\n`;
}

function sizes(totals: { segments: number; lines: number; bytes: number }): string {
  const segments = `${formatCount(totals.segments)} segment${totals.segments === 1 ? "" : "s"}`;
  return `${segments}, ${formatCount(totals.lines)} lines, ${formatBytes(totals.bytes)}`;
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

const BYTE_UNITS = ["kB", "MB", "GB", "TB"];

function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  let value = n;
  let unit = "B";
  for (const next of BYTE_UNITS) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/** `2026-04-15T10:30:03.123Z` → `2026-04-15T10:30:03Z`. */
function seconds(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z");
}

async function isDirectory(path: string): Promise<boolean> {
  return (await unlessMissing(stat(path)))?.isDirectory() ?? false;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO 8601 date, or date and time with a zone: a local time would make the cutoff depend on TZ. */
function isoTime(value: string): Date {
  const date = new Date(value);
  if (!ISO_TIME.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError("Not an ISO 8601 time with a zone, e.g. 2026-04-15T10:00:00Z.");
  }
  return date;
}

function retentionDays(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("Not a whole number of days.");
  try {
    return checkRetentionDays(Number(value));
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
