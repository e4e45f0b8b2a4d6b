import { createHash } from "node:crypto";
import { relative, sep } from "node:path";
import { epochMsToHour, HOUR_MS } from "../hours.ts";
import type { RawSegment, RawZone } from "../store/raw-zone.ts";
import type { Store } from "../store/store.ts";
import type { AuditEntry, AuditHour, AuditLog, AuditUndeletedHour } from "./audit-log.ts";

/** Raw requests and actor metrics are personal data: never kept longer than this. */
export const MAX_RETENTION_DAYS = 90;
export const DEFAULT_RETENTION_DAYS = 90;

const DAY_MS = 86_400_000;
/** An hourly partition ends at HH:59:59, as in Wikimedia's refinery-drop-older-than. */
const HOUR_END_MS = HOUR_MS - 1000;

/** Throws a RangeError unless `days` is a whole number of days from 1 to MAX_RETENTION_DAYS. */
export function checkRetentionDays(days: number): number {
  if (!Number.isSafeInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new RangeError(
      `The retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${days}: ` +
        `raw requests and actor metrics are personal data and are never kept longer than ${MAX_RETENTION_DAYS} days.`,
    );
  }
  return days;
}

export interface RetentionBoundary {
  /** now − retention: an hour that ends before this is deleted. */
  cutoff: Date;
  /** The oldest hour kept: every earlier hour ends before the cutoff. */
  firstKeptHour: string;
}

export function retentionBoundary(now: Date, retentionDays: number): RetentionBoundary {
  const cutoffMs = now.getTime() - checkRetentionDays(retentionDays) * DAY_MS;
  // Hour H goes when start(H) + HOUR_END_MS < cutoff; the first hour kept starts at or after this.
  const firstKeptStart = Math.ceil((cutoffMs - HOUR_END_MS) / HOUR_MS) * HOUR_MS;
  return { cutoff: new Date(cutoffMs), firstKeptHour: epochMsToHour(firstKeptStart) };
}

/** The hours (`YYYYMMDDHH`) that end before now − retention, in the order given. */
export function hoursToPurge(hours: readonly string[], now: Date, retentionDays: number): string[] {
  const { firstKeptHour } = retentionBoundary(now, retentionDays);
  return hours.filter((hour) => hour < firstKeptHour);
}

/** What a purge needs of the raw zone. */
export type RawPartitions = Pick<RawZone, "root" | "hours" | "segments" | "deleteHour">;
/** What a purge needs of the store: aggregates are out of its reach. */
export type ActorData = Pick<Store, "deleteActorDataBefore">;

export interface PurgeOptions {
  now: Date;
  retentionDays: number;
}

export interface PurgePlan extends RetentionBoundary {
  now: Date;
  retentionDays: number;
  /** The due hours, ascending, with the segments each holds. */
  hours: { hour: string; segments: RawSegment[] }[];
  /** The checksum the audit entry of a purge deleting exactly these segments will carry. */
  checksum: string;
}

/** What would be deleted, deleting nothing (a dry run). */
export async function planPurge(raw: RawPartitions, options: PurgeOptions): Promise<PurgePlan> {
  const boundary = retentionBoundary(options.now, options.retentionDays);
  const hours = [];
  for (const hour of hoursToPurge(await raw.hours(), options.now, options.retentionDays)) {
    hours.push({ hour, segments: await raw.segments(hour) });
  }
  const checksum = segmentListChecksum(
    raw,
    hours.flatMap((hour) => hour.segments),
  );
  return { ...options, ...boundary, hours, checksum };
}

export interface PurgeReport extends RetentionBoundary {
  now: Date;
  retentionDays: number;
  /** Hours whose raw segments were deleted; for an hour that failed midway, the segments that went. */
  deleted: AuditHour[];
  /** Due hours still (partly) there, with what is left and the error. */
  notDeleted: AuditUndeletedHour[];
  /** Sums over `deleted`. */
  totals: { hours: number; segments: number; lines: number; bytes: number };
  /** Actor-metric and label rows deleted; null when their deletion failed. */
  actorRowsDeleted: number | null;
  actorDataError: string | null;
  checksum: string;
}

export function purgeSucceeded(report: PurgeReport): boolean {
  return report.notDeleted.length === 0 && report.actorDataError === null;
}

/**
 * Deletes the raw hours and actor data that end before now − retention, and appends what it did
 * to the audit log, also when there was nothing to delete. Aggregates are not touched. A failure
 * does not stop the rest: an hour that cannot be deleted is recorded with what is left of it, and
 * the other hours and the actor data still go. Running it again deletes only what is left.
 */
export async function purge(
  context: { raw: RawPartitions; actorData: ActorData; audit: AuditLog },
  options: PurgeOptions,
): Promise<PurgeReport> {
  const { raw, actorData, audit } = context;
  const boundary = retentionBoundary(options.now, options.retentionDays);
  const deleted: AuditHour[] = [];
  const notDeleted: AuditUndeletedHour[] = [];
  const deletedSegments: RawSegment[] = [];

  for (const hour of hoursToPurge(await raw.hours(), options.now, options.retentionDays)) {
    let before: RawSegment[] = [];
    try {
      before = await raw.segments(hour);
      const { segments } = await raw.deleteHour(hour);
      deleted.push(hourTotals(hour, segments));
      deletedSegments.push(...segments);
    } catch (error) {
      const left = await raw.segments(hour).catch(() => before);
      const leftPaths = new Set(left.map((segment) => segment.path));
      const gone = before.filter((segment) => !leftPaths.has(segment.path));
      if (gone.length > 0) {
        deleted.push(hourTotals(hour, gone));
        deletedSegments.push(...gone);
      }
      notDeleted.push({ ...hourTotals(hour, left), error: errorMessage(error) });
    }
  }

  let actorRowsDeleted: number | null = null;
  let actorDataError: string | null = null;
  try {
    actorRowsDeleted = await actorData.deleteActorDataBefore(boundary.firstKeptHour);
  } catch (error) {
    actorDataError = errorMessage(error);
  }

  const report: PurgeReport = {
    ...options,
    ...boundary,
    deleted,
    notDeleted,
    totals: { hours: deleted.length, ...segmentTotals(deletedSegments) },
    actorRowsDeleted,
    actorDataError,
    checksum: segmentListChecksum(raw, deletedSegments),
  };
  await audit.append(auditEntry(report));
  return report;
}

function auditEntry(report: PurgeReport): AuditEntry {
  return {
    time: new Date().toISOString(),
    action: "purge",
    status: purgeSucceeded(report) ? "ok" : "failed",
    now: report.now.toISOString(),
    cutoff: report.cutoff.toISOString(),
    retention_days: report.retentionDays,
    first_kept_hour: report.firstKeptHour,
    deleted_hours: report.deleted,
    not_deleted_hours: report.notDeleted,
    totals: report.totals,
    actor_rows_deleted: report.actorRowsDeleted,
    actor_data_error: report.actorDataError,
    checksum: report.checksum,
  };
}

/**
 * sha256 (hex) of the segments' paths relative to the raw zone (`YYYY-MM-DD/HH/<name>`, `/`
 * separated), sorted, one per line. Relative, so that the same data gives the same checksum however
 * the data directory is named; a dry run prints it, and the audit entry of the purge that follows
 * carries the same value if it deleted exactly that list.
 */
export function segmentListChecksum(
  raw: Pick<RawPartitions, "root">,
  segments: readonly RawSegment[],
): string {
  const paths = segments.map((segment) => relative(raw.root, segment.path).split(sep).join("/")).sort();
  return createHash("sha256").update(paths.join("\n")).digest("hex");
}

function hourTotals(hour: string, segments: readonly RawSegment[]): AuditHour {
  return { hour, ...segmentTotals(segments) };
}

export function segmentTotals(segments: readonly RawSegment[]): {
  segments: number;
  lines: number;
  bytes: number;
} {
  let lines = 0;
  let bytes = 0;
  for (const segment of segments) {
    lines += segment.lines;
    bytes += segment.bytes;
  }
  return { segments: segments.length, lines, bytes };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
