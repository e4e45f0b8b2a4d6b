import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommanderError } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ActorHourlyMetrics } from "../pipeline/actor-metrics.ts";
import { auditLogPath, readAuditLog } from "../pipeline/audit-log.ts";
import { storePath } from "../store/data-dir.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { RawZone } from "../store/raw-zone.ts";
import type { ProcessedHour } from "../store/store.ts";
import { purgeCommand } from "./purge.ts";

interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `pageviews purge …` in this process, capturing its output and exit status. */
async function purgeCli(...args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture(stdout));
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture(stderr));
  process.exitCode = undefined;
  try {
    await purgeCommand()
      .exitOverride()
      .configureOutput({ writeOut: (s) => stdout.push(s), writeErr: (s) => stderr.push(s) })
      .parseAsync(args, { from: "user" });
    return { status: Number(process.exitCode ?? 0), stdout: stdout.join(""), stderr: stderr.join("") };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { status: error.exitCode, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

function actorRow(hour: string, actorSignature: string): ActorHourlyMetrics {
  return {
    hour,
    actorSignature,
    isPageview: true,
    isRedirectToPageview: false,
    ipKey: `ip-${actorSignature}`,
    pageviewCount: 3,
    firstTs: 1_768_471_200,
    lastTs: 1_768_471_260,
    pageviewRatePerMin: 3,
    nocookies: 0,
    userAgentLength: 80,
    distinctPagesVisited: 2,
    maxDiffIpGroupSize: 0,
    diffIpGroupCount: 0,
  };
}

function processedHour(hour: string): ProcessedHour {
  return {
    hour,
    pageviews: [
      {
        project: "en.wikipedia",
        language_variant: "default",
        article: "Horseshoe_crab",
        page_id: 1234,
        namespace_id: 0,
        access_method: "desktop",
        agent_type: "user",
        referer_class: "external (search engine)",
        continent: "Europe",
        country_code: "GB",
        views: 3,
      },
    ],
    actorMetrics: [actorRow(hour, "a"), actorRow(hour, "b")],
    automatedActors: [],
    report: {
      definitionVersion: "1.0",
      rawFingerprint: "0123456789abcdef",
      rawLines: 3,
      distinctLines: 3,
      malformedLines: 0,
      processedAt: new Date("2026-04-15T00:00:00Z"),
    },
  };
}

const NOW = "2026-04-15T10:30:00Z";
// With NOW and 90 days, 2026011510 is the first hour kept.
const OLD_HOURS = ["2026011408", "2026011509"];
const KEPT_HOURS = ["2026011510", "2026041509"];

describe("pageviews purge", () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "pageviews-purge-cli-"));
    const raw = new RawZone(dataDir);
    const store = await DuckDbStore.open(storePath(dataDir));
    try {
      for (const hour of [...OLD_HOURS, ...KEPT_HOURS]) {
        await raw.land(hour, "webrequest", undefined, [
          `{"hour":"${hour}","n":1}`,
          `{"hour":"${hour}","n":2}`,
        ]);
        await store.replaceHour(processedHour(hour));
      }
    } finally {
      await store.close();
    }
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  async function storedActorHours(): Promise<string[]> {
    const store = await DuckDbStore.open(storePath(dataDir));
    try {
      const rows = await store.actorMetrics("2026010100", "2026123123");
      return [...new Set(rows.map((row) => row.hour))].sort();
    } finally {
      await store.close();
    }
  }

  it("deletes raw hours and actor metrics past the retention, keeps the aggregates, and audits it", async () => {
    const result = await purgeCli("--data-dir", dataDir, "--now", NOW);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^Deleted 2 raw hours \(2 segments, 4 lines, .*\) and 4 actor-metric and label rows\.$/m,
    );
    expect(result.stdout).toContain("hours from 2026011510 on are kept");
    expect(await new RawZone(dataDir).hours()).toEqual(KEPT_HOURS);
    expect(await storedActorHours()).toEqual(KEPT_HOURS);

    const store = await DuckDbStore.open(storePath(dataDir));
    try {
      // Aggregates (and the record of processed hours) are kept.
      expect([...(await store.hourStates()).keys()].sort()).toEqual([...OLD_HOURS, ...KEPT_HOURS]);
    } finally {
      await store.close();
    }

    const { entries } = await readAuditLog(auditLogPath(dataDir));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status: "ok", totals: { hours: 2, lines: 4 }, actor_rows_deleted: 4 });
  });

  it("is idempotent, and --audit shows every run as a table", async () => {
    await purgeCli("--data-dir", dataDir, "--now", NOW);
    const second = await purgeCli("--data-dir", dataDir, "--now", NOW);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(
      /^Deleted 0 raw hours \(0 segments, 0 lines, 0 B\) and 0 actor-metric and label rows\.$/m,
    );

    const audit = await purgeCli("--data-dir", dataDir, "--audit");
    expect(audit.status).toBe(0);
    const lines = audit.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^time \(UTC\) +status +retention +first kept +hours +segments +lines +bytes +actor rows +checksum$/,
    );
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +ok +90 d +2026011510 +2 +2 +4 +\d+ B +4 +[0-9a-f]{12}$/,
    );
    expect(lines[2]).toMatch(/ ok +90 d +2026011510 +0 +0 +0 +0 B +0 +e3b0c44298fc$/);
  });

  it("lists what would go on --dry-run, with the checksum the purge then records, and deletes nothing", async () => {
    const dryRun = await purgeCli("--data-dir", dataDir, "--now", NOW, "--dry-run");
    expect(dryRun.status).toBe(0);
    expect(dryRun.stdout).toContain("Dry run: nothing was deleted.");
    expect(dryRun.stdout.match(/^ {2}\d{10} .*$/gm)).toEqual([
      expect.stringMatching(/^ {2}2026011408 {2}1 segment, 2 lines, \d+ B$/),
      expect.stringMatching(/^ {2}2026011509 {2}1 segment, 2 lines, \d+ B$/),
    ]);
    expect(await new RawZone(dataDir).hours()).toEqual([...OLD_HOURS, ...KEPT_HOURS]);
    expect(await storedActorHours()).toEqual([...OLD_HOURS, ...KEPT_HOURS]);
    expect((await readAuditLog(auditLogPath(dataDir))).entries).toEqual([]);

    const checksum = /Checksum of the segment list: ([0-9a-f]{64})/.exec(dryRun.stdout)?.[1];
    await purgeCli("--data-dir", dataDir, "--now", NOW);
    const [entry] = (await readAuditLog(auditLogPath(dataDir))).entries;
    expect(entry?.checksum).toBe(checksum);
  });

  it("counts a shorter --retention-days back from --now", async () => {
    const result = await purgeCli("--data-dir", dataDir, "--now", NOW, "--retention-days", "1");
    expect(result.status).toBe(0);
    expect(await new RawZone(dataDir).hours()).toEqual(["2026041509"]);
  });

  it.each([
    ["91", "from 1 to 90"],
    ["0", "from 1 to 90"],
    ["365", "never kept longer than 90 days"],
    ["7.5", "Not a whole number of days."],
  ])("refuses --retention-days %s", async (days, message) => {
    const result = await purgeCli("--data-dir", dataDir, "--now", NOW, "--retention-days", days);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("--retention-days");
    expect(result.stderr).toContain(message);
    expect(await new RawZone(dataDir).hours()).toEqual([...OLD_HOURS, ...KEPT_HOURS]);
  });

  it("refuses a --now without a time zone", async () => {
    const result = await purgeCli("--data-dir", dataDir, "--now", "2026-04-15T10:30:00");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("Not an ISO 8601 time with a zone");
  });

  it("refuses a --now later than the clock, except for a dry run", async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const result = await purgeCli("--data-dir", dataDir, "--now", future);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^pageviews purge: --now is later than the current time/);
    expect(await new RawZone(dataDir).hours()).toEqual([...OLD_HOURS, ...KEPT_HOURS]);
    expect((await purgeCli("--data-dir", dataDir, "--now", future, "--dry-run")).status).toBe(0);
  });

  it("says so when the data directory does not exist", async () => {
    const missing = join(dataDir, "nope");
    const result = await purgeCli("--data-dir", missing);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `pageviews purge: There is no data directory at ${missing} (see --data-dir).\n`,
    );
  });

  it("deletes the rest, records the failure and exits 1 when an hour cannot be deleted", async () => {
    // An hour directory that is a file cannot be listed or removed as one.
    const raw = new RawZone(dataDir);
    const broken = raw.hourDir("2026011407");
    await mkdir(join(broken, ".."), { recursive: true });
    await writeFile(broken, "not a directory");

    const result = await purgeCli("--data-dir", dataDir, "--now", NOW);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^pageviews purge: not everything due was deleted:$/m);
    expect(result.stderr).toMatch(/^ {2}hour 2026011407: 0 segments, 0 lines, 0 B left: ENOTDIR/m);
    expect(await raw.hours()).toEqual(["2026011407", ...KEPT_HOURS]);
    expect(await storedActorHours()).toEqual(KEPT_HOURS);

    const [entry] = (await readAuditLog(auditLogPath(dataDir))).entries;
    expect(entry).toMatchObject({ status: "failed", totals: { hours: 2 } });
    expect(entry?.not_deleted_hours.map((hour) => hour.hour)).toEqual(["2026011407"]);

    const audit = await purgeCli("--data-dir", dataDir, "--audit");
    expect(audit.stdout).toMatch(/^Not deleted:\n {2}\S+ {2}hour 2026011407: .*ENOTDIR/m);
  });

  it("reports a corrupt audit line and exits 1", async () => {
    await purgeCli("--data-dir", dataDir, "--now", NOW);
    await appendFile(auditLogPath(dataDir), "{not json}\n");
    const audit = await purgeCli("--data-dir", dataDir, "--audit");
    expect(audit.status).toBe(1);
    expect(audit.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(audit.stderr).toBe(`${auditLogPath(dataDir)}:2: corrupt entry: not valid JSON\n`);
  });

  it("documents every option, with the default and the limit of the retention", () => {
    const help = purgeCommand().helpInformation();
    for (const option of [
      "--data-dir <dir>",
      "--now <iso>",
      "--retention-days <n>",
      "--dry-run",
      "--audit",
      "--wait",
    ]) {
      expect(help).toContain(option);
    }
    expect(help).toMatch(
      /--retention-days <n>\s+days of raw requests and actor metrics to keep,\s+1\s+to\s+90\s+\(default:\s+90\)/,
    );
  });

  it("does not mix --audit with purge options", async () => {
    const result = await purgeCli("--data-dir", dataDir, "--audit", "--dry-run");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/option '--audit' cannot be used with option '--dry-run'/);
  });

  it("takes the data directory from the configuration when --data-dir is not given", async () => {
    vi.stubEnv("PAGEVIEWS_DATA_DIR", dataDir);
    try {
      const audit = await purgeCli("--audit");
      expect(audit.stdout).toBe(`No purge is recorded in ${auditLogPath(dataDir)} yet.\n`);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("says when no purge is recorded yet", async () => {
    const audit = await purgeCli("--data-dir", dataDir, "--audit");
    expect(audit).toEqual({
      status: 0,
      stdout: `No purge is recorded in ${auditLogPath(dataDir)} yet.\n`,
      stderr: "",
    });
  });
});
