import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AuditEntry, AuditLog, auditLogPath, parseAuditEntry, readAuditLog } from "./audit-log.ts";

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: "2026-04-15T10:00:03.000Z",
    action: "purge",
    status: "ok",
    now: "2026-04-15T10:00:00.000Z",
    cutoff: "2026-01-15T10:00:00.000Z",
    retention_days: 90,
    first_kept_hour: "2026011510",
    deleted_hours: [
      { hour: "2026011508", segments: 2, lines: 300, bytes: 4000 },
      { hour: "2026011509", segments: 1, lines: 100, bytes: 1500 },
    ],
    not_deleted_hours: [],
    totals: { hours: 2, segments: 3, lines: 400, bytes: 5500 },
    actor_rows_deleted: 42,
    actor_data_error: null,
    checksum: "a".repeat(64),
    ...overrides,
  };
}

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pageviews-audit-"));
  path = auditLogPath(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function appendEntries(...entries: AuditEntry[]): Promise<void> {
  const log = await AuditLog.open(path);
  try {
    for (const e of entries) await log.append(e);
  } finally {
    await log.close();
  }
}

describe("AuditLog", () => {
  it("lives at <data-dir>/audit.log", () => {
    expect(auditLogPath("/srv/pageviews")).toBe("/srv/pageviews/audit.log");
  });

  it("appends one JSON line per entry, keeping what earlier runs wrote", async () => {
    const first = entry();
    const second = entry({ time: "2026-04-16T10:00:03.000Z", actor_rows_deleted: 0 });
    await appendEntries(first);
    await appendEntries(second);
    const text = await readFile(path, "utf8");
    expect(text.split("\n")).toEqual([JSON.stringify(first), JSON.stringify(second), ""]);
    expect(await readAuditLog(path)).toEqual({ entries: [first, second], corrupt: [] });
  });

  it("starts an entry on a new line after a last line cut short by a crash", async () => {
    await appendEntries(entry());
    await appendFile(path, '{"time":"2026-04-16T10:0');
    const next = entry({ time: "2026-04-17T10:00:03.000Z" });
    await appendEntries(next);
    const { entries, corrupt } = await readAuditLog(path);
    expect(entries).toEqual([entry(), next]);
    expect(corrupt).toEqual([{ line: 2, reason: "not valid JSON" }]);
  });
});

describe("readAuditLog", () => {
  it("reads a log that does not exist yet as empty", async () => {
    expect(await readAuditLog(path)).toEqual({ entries: [], corrupt: [] });
  });

  it("reports each corrupt line by number and reason, and still reads the others", async () => {
    const good = JSON.stringify(entry());
    const badTotals = JSON.stringify(entry({ totals: { hours: 2, segments: 3, lines: 401, bytes: 5500 } }));
    await writeFile(path, `${good}\nnot json\n${badTotals}\n${good}\n`);
    const { entries, corrupt } = await readAuditLog(path);
    expect(entries).toHaveLength(2);
    expect(corrupt).toEqual([
      { line: 2, reason: "not valid JSON" },
      { line: 3, reason: "totals.lines is not the sum over deleted_hours" },
    ]);
  });

  it("reports an unfinished last line", async () => {
    await writeFile(path, `${JSON.stringify(entry())}\n{"time":`);
    const { entries, corrupt } = await readAuditLog(path);
    expect(entries).toHaveLength(1);
    expect(corrupt).toEqual([{ line: 2, reason: "incomplete last line: an append was cut short" }]);
  });
});

describe("parseAuditEntry", () => {
  it("accepts a failed entry that lists what was not deleted", () => {
    const failed = entry({
      status: "failed",
      not_deleted_hours: [{ hour: "2026011507", segments: 1, lines: 10, bytes: 99, error: "EACCES" }],
    });
    expect(parseAuditEntry(JSON.stringify(failed))).toEqual(failed);
  });

  it.each([
    [{ status: "failed" as const }, "status disagrees with the failures listed"],
    [{ actor_data_error: "store locked" }, "status disagrees with the failures listed"],
    [{ checksum: "abc" }, "checksum must be 64 hex digits"],
    [{ first_kept_hour: "2026-01-15" }, "first_kept_hour must be a YYYYMMDDHH hour"],
    [{ retention_days: 0 }, "retention_days must be a positive integer"],
    [{ cutoff: "yesterday" }, "cutoff must be a time"],
    [{ actor_rows_deleted: -1 }, "actor_rows_deleted must be a non-negative integer or null"],
    [
      { deleted_hours: [{ hour: "2026011508", segments: 2, lines: "300", bytes: 4000 }] },
      "deleted_hours[0].lines must be a non-negative integer",
    ],
    [
      {
        not_deleted_hours: [{ hour: "2026011507", segments: 1, lines: 10, bytes: 99 }],
        status: "failed" as const,
      },
      "not_deleted_hours[0].error must be a string",
    ],
  ])("rejects %j: %s", (overrides, reason) => {
    expect(() => parseAuditEntry(JSON.stringify(entry(overrides as Partial<AuditEntry>)))).toThrow(reason);
  });

  it("rejects an unknown action and a line that is not an object", () => {
    expect(() => parseAuditEntry(JSON.stringify({ ...entry(), action: "drop" }))).toThrow(
      'unknown action "drop"',
    );
    expect(() => parseAuditEntry("[]")).toThrow("entry must be an object");
  });
});
