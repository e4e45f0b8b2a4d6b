import { constants } from "node:fs";
import { type FileHandle, open, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { unlessMissing } from "../missing-file.ts";
import { syncDirectory } from "../store/durable-fs.ts";

/** Raw data of one hour, by segment count, line count and compressed size. */
export interface AuditHour {
  hour: string;
  segments: number;
  lines: number;
  bytes: number;
}

/** An hour that was due but is still (partly) there: what is left of it, and why. */
export interface AuditUndeletedHour extends AuditHour {
  error: string;
}

/**
 * One line of the audit log. It is a file format operators and auditors read, so its field names
 * are fixed here rather than following internal types. It holds no personal data: hours, counts
 * and a checksum only.
 */
export interface AuditEntry {
  /** When the entry was written (wall clock). */
  time: string;
  action: "purge";
  /** `ok` when everything due was deleted; `failed` when anything listed in not_deleted_hours or actor_data_error was left. */
  status: "ok" | "failed";
  /** The time the retention was counted back from (`--now`, by default the wall clock). */
  now: string;
  /** now − retention_days: a partition ending before this was due. */
  cutoff: string;
  retention_days: number;
  /** The oldest hour kept. */
  first_kept_hour: string;
  deleted_hours: AuditHour[];
  not_deleted_hours: AuditUndeletedHour[];
  /** Sums over deleted_hours. */
  totals: { hours: number; segments: number; lines: number; bytes: number };
  /** Actor-metric and label rows deleted; null when their deletion failed. */
  actor_rows_deleted: number | null;
  actor_data_error: string | null;
  /** sha256 (hex) of the deleted segments' paths under `raw/`, sorted, one per line. */
  checksum: string;
}

export const AUDIT_LOG_FILE = "audit.log";

export function auditLogPath(dataDir: string): string {
  return join(dataDir, AUDIT_LOG_FILE);
}

/**
 * The append-only audit log of a data directory, NDJSON. It is opened before anything is deleted,
 * so a purge that could not record itself does not run. Each entry is one write with O_APPEND,
 * then fsync: an entry is either on disk whole or, after a crash mid-write, a torn last line that
 * the reader reports and the next append does not run into.
 */
export class AuditLog {
  readonly path: string;
  readonly #file: FileHandle;

  private constructor(path: string, file: FileHandle) {
    this.path = path;
    this.#file = file;
  }

  static async open(path: string): Promise<AuditLog> {
    try {
      const file = await open(
        path,
        constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL,
      );
      const log = new AuditLog(path, file);
      // A new file's directory entry must reach the disk too.
      await syncDirectory(dirname(path)).catch(async (error: unknown) => {
        await log.close();
        throw error;
      });
      return log;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    return new AuditLog(path, await open(path, constants.O_RDWR | constants.O_APPEND));
  }

  async append(entry: AuditEntry): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    await this.#file.write((await this.#endsTorn()) ? `\n${line}` : line);
    await this.#file.sync();
  }

  close(): Promise<void> {
    return this.#file.close();
  }

  /** True when the file ends in a line without its newline: an append cut short by a crash. */
  async #endsTorn(): Promise<boolean> {
    const { size } = await this.#file.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await this.#file.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  }
}

export interface CorruptAuditLine {
  /** 1-based. */
  line: number;
  reason: string;
}

export interface AuditLogContents {
  entries: AuditEntry[];
  corrupt: CorruptAuditLine[];
}

/** Reads and checks every line; a log that does not exist yet has no entries. */
export async function readAuditLog(path: string): Promise<AuditLogContents> {
  const text = await unlessMissing(readFile(path, "utf8"));
  if (text === undefined) return { entries: [], corrupt: [] };
  const entries: AuditEntry[] = [];
  const corrupt: CorruptAuditLine[] = [];
  const lines = text.split("\n");
  // A complete log ends with a newline, which leaves an empty last element.
  const torn = lines.pop() !== "";
  for (const [index, line] of lines.entries()) {
    try {
      entries.push(parseAuditEntry(line));
    } catch (error) {
      corrupt.push({ line: index + 1, reason: (error as Error).message });
    }
  }
  if (torn) corrupt.push({ line: lines.length + 1, reason: "incomplete last line: an append was cut short" });
  return { entries, corrupt };
}

/** Parses one line of the log, throwing an Error that says what is wrong with it. */
export function parseAuditEntry(line: string): AuditEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error("not valid JSON");
  }
  const entry = record(value, "entry");
  isoTime(entry, "time");
  if (entry.action !== "purge") throw new Error(`unknown action ${JSON.stringify(entry.action)}`);
  if (entry.status !== "ok" && entry.status !== "failed") throw new Error("status must be ok or failed");
  isoTime(entry, "now");
  isoTime(entry, "cutoff");
  if (!isCount(entry.retention_days) || entry.retention_days < 1) {
    throw new Error("retention_days must be a positive integer");
  }
  hourField(entry, "first_kept_hour");
  const deleted = list(entry, "deleted_hours").map((item, i) => auditHour(item, `deleted_hours[${i}]`));
  const notDeleted = list(entry, "not_deleted_hours").map((item, i) => {
    auditHour(item, `not_deleted_hours[${i}]`);
    if (typeof record(item, "").error !== "string")
      throw new Error(`not_deleted_hours[${i}].error must be a string`);
    return item;
  });
  const totals = record(entry.totals, "totals");
  const sums = {
    hours: deleted.length,
    segments: sum(deleted, "segments"),
    lines: sum(deleted, "lines"),
    bytes: sum(deleted, "bytes"),
  };
  for (const [name, expected] of Object.entries(sums)) {
    if (totals[name] !== expected) throw new Error(`totals.${name} is not the sum over deleted_hours`);
  }
  if (entry.actor_rows_deleted !== null && !isCount(entry.actor_rows_deleted)) {
    throw new Error("actor_rows_deleted must be a non-negative integer or null");
  }
  if (entry.actor_data_error !== null && typeof entry.actor_data_error !== "string") {
    throw new Error("actor_data_error must be a string or null");
  }
  if (typeof entry.checksum !== "string" || !SHA256_HEX.test(entry.checksum)) {
    throw new Error("checksum must be 64 hex digits");
  }
  const failed = notDeleted.length > 0 || entry.actor_data_error !== null;
  if ((entry.status === "failed") !== failed) throw new Error("status disagrees with the failures listed");
  return entry as unknown as AuditEntry;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const HOUR = /^\d{10}$/;

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

function list(entry: Record<string, unknown>, name: string): unknown[] {
  const value = entry[name];
  if (!Array.isArray(value)) throw new Error(`${name} must be an array`);
  return value;
}

function isoTime(entry: Record<string, unknown>, name: string): void {
  const value = entry[name];
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw new Error(`${name} must be a time`);
}

function hourField(entry: Record<string, unknown>, name: string, where = name): void {
  const value = entry[name];
  if (typeof value !== "string" || !HOUR.test(value)) throw new Error(`${where} must be a YYYYMMDDHH hour`);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function auditHour(value: unknown, where: string): AuditHour {
  const hour = record(value, where);
  hourField(hour, "hour", `${where}.hour`);
  for (const name of ["segments", "lines", "bytes"]) {
    if (!isCount(hour[name])) throw new Error(`${where}.${name} must be a non-negative integer`);
  }
  return hour as unknown as AuditHour;
}

function sum(hours: readonly AuditHour[], name: "segments" | "lines" | "bytes"): number {
  let total = 0;
  for (const hour of hours) total += hour[name];
  return total;
}
