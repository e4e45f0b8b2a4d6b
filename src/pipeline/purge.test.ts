import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addHours, HOUR_MS, hourToEpochMs } from "../hours.ts";
import { RawZone } from "../store/raw-zone.ts";
import { AuditLog, auditLogPath, readAuditLog } from "./audit-log.ts";
import {
  type ActorData,
  checkRetentionDays,
  hoursToPurge,
  planPurge,
  purge,
  purgeSucceeded,
  retentionBoundary,
} from "./purge.ts";

const DAY_MS = 86_400_000;

describe("retentionBoundary", () => {
  it("keeps an hour until its end (HH:59:59) is before now − retention", () => {
    // now − 90 days = 2026-01-15T10:00:00Z: hour 09 ended at 09:59:59, hour 10 has not.
    expect(retentionBoundary(new Date("2026-04-15T10:00:00Z"), 90)).toEqual({
      cutoff: new Date("2026-01-15T10:00:00Z"),
      firstKeptHour: "2026011510",
    });
    // Hour 10 ends at 10:59:59, which is not before a cutoff of 10:59:59 …
    expect(retentionBoundary(new Date("2026-04-15T10:59:59Z"), 90).firstKeptHour).toBe("2026011510");
    // … but is before a cutoff a millisecond later.
    expect(retentionBoundary(new Date("2026-04-15T10:59:59.001Z"), 90).firstKeptHour).toBe("2026011511");
  });

  it("counts days of 24 hours in UTC, across month and leap-day boundaries", () => {
    expect(retentionBoundary(new Date("2024-03-01T00:30:00Z"), 1).firstKeptHour).toBe("2024022900");
    expect(retentionBoundary(new Date("2026-01-01T05:00:00Z"), 7).firstKeptHour).toBe("2025122505");
  });
});

describe("hoursToPurge", () => {
  it("picks exactly the hours whose end is before the cutoff, for any time of the hour", () => {
    const hours = Array.from({ length: 72 }, (_, i) => addHours("2026011400", i));
    const day = Date.UTC(2026, 3, 15);
    const times = Array.from({ length: (24 * 60) / 7 }, (_, i) => day + i * 7 * 60_000 + 123);
    // Around the end of an hour, where only HH:59:59 as the end gives the right answer.
    times.push(day + HOUR_MS - 1001, day + HOUR_MS - 1000, day + HOUR_MS - 500, day + HOUR_MS);
    for (const time of times) {
      const now = new Date(time);
      const cutoff = now.getTime() - 90 * DAY_MS;
      const expected = hours.filter((hour) => hourToEpochMs(hour) + HOUR_MS - 1000 < cutoff);
      expect(hoursToPurge(hours, now, 90)).toEqual(expected);
    }
  });

  it("purges nothing when every hour is recent", () => {
    expect(hoursToPurge(["2026041509", "2026041510"], new Date("2026-04-15T11:00:00Z"), 90)).toEqual([]);
  });
});

describe("checkRetentionDays", () => {
  it("accepts 1 to 90 days", () => {
    expect(checkRetentionDays(1)).toBe(1);
    expect(checkRetentionDays(90)).toBe(90);
  });

  it.each([0, 91, 365, 1.5, Number.NaN])("refuses %s days", (days) => {
    expect(() => checkRetentionDays(days)).toThrow(/from 1 to 90/);
  });

  it("is checked by every entry point", () => {
    expect(() => retentionBoundary(new Date(), 180)).toThrow(RangeError);
  });
});

/** Actor data per hour, as rows; the store's only part a purge may touch. */
class FakeActorData implements ActorData {
  rows = new Map<string, number>();
  fail: Error | null = null;
  async deleteActorDataBefore(hour: string): Promise<number> {
    if (this.fail) throw this.fail;
    let deleted = 0;
    for (const [h, count] of this.rows) {
      if (h < hour) {
        deleted += count;
        this.rows.delete(h);
      }
    }
    return deleted;
  }
}

/** A raw zone whose deletion of one hour removes its first segment, then fails. */
class FailingRawZone extends RawZone {
  constructor(
    dataDir: string,
    readonly failingHour: string,
  ) {
    super(dataDir);
  }
  override async deleteHour(hour: string) {
    if (hour !== this.failingHour) return super.deleteHour(hour);
    const [first] = await this.segments(hour);
    if (first) await rm(first.path);
    throw new Error(`EACCES: permission denied, rmdir '${this.hourDir(hour)}'`);
  }
}

describe("purge", () => {
  const now = new Date("2026-04-15T10:30:00Z");
  const options = { now, retentionDays: 90 };
  // With this now, 2026011510 is the first hour kept.
  const oldHours = ["2026011408", "2026011509"];
  const keptHours = ["2026011510", "2026041509"];
  let dataDir: string;
  let actorData: FakeActorData;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "pageviews-purge-"));
    const raw = new RawZone(dataDir);
    for (const hour of [...oldHours, ...keptHours]) {
      await raw.land(hour, "webrequest", undefined, [`{"line":1,"hour":"${hour}"}`, `{"line":2}`]);
      await raw.land(hour, "combined", "en.wikipedia.org", [`line 3 ${hour}`]);
    }
    actorData = new FakeActorData();
    for (const hour of [...oldHours, ...keptHours]) actorData.rows.set(hour, 10);
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  async function run(raw = new RawZone(dataDir)) {
    const audit = await AuditLog.open(auditLogPath(dataDir));
    try {
      return await purge({ raw, actorData, audit }, options);
    } finally {
      await audit.close();
    }
  }

  it("deletes raw hours and actor data older than the retention, and keeps the rest", async () => {
    const raw = new RawZone(dataDir);
    const report = await run(raw);
    expect(purgeSucceeded(report)).toBe(true);
    expect(await raw.hours()).toEqual(keptHours);
    expect([...actorData.rows.keys()]).toEqual(keptHours);
    expect(report.deleted.map((h) => [h.hour, h.segments, h.lines])).toEqual([
      ["2026011408", 2, 3],
      ["2026011509", 2, 3],
    ]);
    expect(report.totals).toMatchObject({ hours: 2, segments: 4, lines: 6 });
    expect(report.totals.bytes).toBe(report.deleted.reduce((sum, hour) => sum + hour.bytes, 0));
    expect(report.actorRowsDeleted).toBe(20);
    // Empty day directories go too.
    expect(await readdir(raw.root)).toEqual(["2026-01-15", "2026-04-15"]);
  });

  it("records the run in the audit log, with the checksum a dry run announced", async () => {
    const raw = new RawZone(dataDir);
    const plan = await planPurge(raw, options);
    expect(plan.hours.map((h) => h.hour)).toEqual(oldHours);
    expect(await raw.hours()).toEqual([...oldHours, ...keptHours]);

    const report = await run(raw);
    const { entries, corrupt } = await readAuditLog(auditLogPath(dataDir));
    expect(corrupt).toEqual([]);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      action: "purge",
      status: "ok",
      now: "2026-04-15T10:30:00.000Z",
      cutoff: "2026-01-15T10:30:00.000Z",
      retention_days: 90,
      first_kept_hour: "2026011510",
      deleted_hours: report.deleted,
      not_deleted_hours: [],
      totals: report.totals,
      actor_rows_deleted: 20,
      actor_data_error: null,
    });
    expect(plan.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(entry?.checksum).toBe(plan.checksum);
    expect(Math.abs(Date.parse(entry?.time ?? "") - Date.now())).toBeLessThan(60_000);
  });

  it("gives a checksum that does not depend on how the data directory is named", async () => {
    const planned = await planPurge(new RawZone(dataDir), options);
    const relativePlan = await planPurge(new RawZone(relative(process.cwd(), dataDir)), options);
    expect(relativePlan.hours[0]?.segments[0]?.path).not.toBe(planned.hours[0]?.segments[0]?.path);
    expect(relativePlan.checksum).toBe(planned.checksum);
  });

  it("is idempotent, and records a run that found nothing to delete", async () => {
    await run();
    const second = await run();
    expect(purgeSucceeded(second)).toBe(true);
    expect(second.deleted).toEqual([]);
    expect(second.totals).toEqual({ hours: 0, segments: 0, lines: 0, bytes: 0 });
    expect(second.actorRowsDeleted).toBe(0);
    expect(await new RawZone(dataDir).hours()).toEqual(keptHours);
    const { entries } = await readAuditLog(auditLogPath(dataDir));
    expect(entries.map((e) => [e.status, e.totals.hours])).toEqual([
      ["ok", 2],
      ["ok", 0],
    ]);
  });

  it("records what was and was not deleted when an hour fails midway, and deletes the rest", async () => {
    const raw = new FailingRawZone(dataDir, "2026011408");
    const report = await run(raw);
    expect(purgeSucceeded(report)).toBe(false);
    // The failing hour lost one segment and kept the other; the next hour still went.
    // Segments are deleted by name: the combined one (1 line) went, the webrequest one (2 lines) is left.
    expect(report.deleted.map((h) => [h.hour, h.segments, h.lines])).toEqual([
      ["2026011408", 1, 1],
      ["2026011509", 2, 3],
    ]);
    expect(report.notDeleted).toEqual([
      {
        hour: "2026011408",
        segments: 1,
        lines: 2,
        bytes: expect.any(Number),
        error: expect.stringMatching(/EACCES/),
      },
    ]);
    expect(await raw.hours()).toEqual(["2026011408", ...keptHours]);
    expect(report.actorRowsDeleted).toBe(20);

    const [entry] = (await readAuditLog(auditLogPath(dataDir))).entries;
    expect(entry).toMatchObject({ status: "failed", not_deleted_hours: report.notDeleted });

    // Once the cause is gone, a second run deletes what is left.
    const retry = await run(new RawZone(dataDir));
    expect(purgeSucceeded(retry)).toBe(true);
    expect(retry.deleted.map((h) => [h.hour, h.segments])).toEqual([["2026011408", 1]]);
  });

  it("still purges raw data when the actor data cannot be deleted, and records why", async () => {
    actorData.fail = new Error("the store is locked");
    const report = await run();
    expect(purgeSucceeded(report)).toBe(false);
    expect(report.totals.hours).toBe(2);
    expect(report.actorRowsDeleted).toBeNull();
    const [entry] = (await readAuditLog(auditLogPath(dataDir))).entries;
    expect(entry).toMatchObject({
      status: "failed",
      actor_rows_deleted: null,
      actor_data_error: "the store is locked",
    });
  });
});
