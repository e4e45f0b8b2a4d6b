import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawRequest } from "../src/definition/types.ts";
import { formatWebrequest, generateRequests } from "../src/generate/traffic.ts";
import { hourOf } from "../src/hours.ts";
import { loadRefineDependencies } from "../src/refine/dependencies.ts";
import { createRefiner } from "../src/refine/refine.ts";
import { storePath } from "../src/store/data-dir.ts";
import { DuckDbStore } from "../src/store/duckdb-store.ts";
import { runPageviews, startPageviews } from "./support/pageviews-cli.ts";
import { dumpPageviewHourly } from "./support/store-dump.ts";

const workDir = mkdtempSync(join(tmpdir(), "pageviews-ingest-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const start = new Date("2026-01-15T08:00:00Z");
let requests: RawRequest[];
let lines: string[];
let allFile: string;
let expectedPageviews: number;
let reference: string;

function freshDir(name: string): string {
  return join(workDir, name);
}

function writeLines(name: string, content: readonly string[]): string {
  const path = join(workDir, name);
  writeFileSync(path, gzipSync(content.map((line) => `${line}\n`).join("")));
  return path;
}

function ingest(dataDir: string, ...args: string[]) {
  const result = runPageviews(["ingest", "--data-dir", dataDir, ...args]);
  if (result.status !== 0) throw new Error(`ingest failed (${result.status}):\n${result.stderr}`);
  return result;
}

beforeAll(async () => {
  requests = [...generateRequests({ seed: 3, start, hours: 4, lines: 24_000 })];
  lines = requests.map(formatWebrequest);
  allFile = writeLines("all.json.gz", lines);
  const { refine } = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });
  expectedPageviews = requests.filter((request) => {
    const { record } = refine(request);
    return record.is_pageview && record.project;
  }).length;
  const dataDir = freshDir("reference");
  ingest(dataDir, allFile);
  reference = await dumpPageviewHourly(dataDir);
});

function totalViews(dump: string): number {
  return dump
    .split("\n")
    .map((row) => row.split("\t"))
    .reduce((total, row) => total + Number(row[row.length - 2]), 0);
}

describe("pageviews ingest", () => {
  it("counts every pageview of the input exactly once, and labels automated agents", () => {
    expect(totalViews(reference)).toBe(expectedPageviews);
    expect(reference).toMatch(/\tautomated\t/);
    expect(reference).toMatch(/\tspider\t/);
  });

  it("reports what it read and did", () => {
    const result = ingest(freshDir("report"), allFile);
    expect(result.stderr).toMatch(/^lines read: 24000 /m);
    expect(result.stderr).toMatch(/^malformed lines: 0$/m);
    expect(result.stderr).toMatch(/^automated pageviews by reason:\n {2}\S/m);
    expect(result.stderr).toMatch(/^hours updated: 4 \(2026011508 … 2026011511\)$/m);
  });

  it("counts nothing twice when the same file is ingested again", async () => {
    const dataDir = freshDir("twice");
    ingest(dataDir, allFile);
    ingest(dataDir, allFile);
    expect(await dumpPageviewHourly(dataDir)).toBe(reference);
  });

  it("gives the same totals whatever order the lines arrive in, late hours re-processed", async () => {
    const dataDir = freshDir("late");
    const even = writeLines(
      "even.json.gz",
      lines.filter((_, i) => i % 2 === 0),
    );
    const odd = writeLines("odd.json.gz", lines.filter((_, i) => i % 2 === 1).reverse());
    ingest(dataDir, odd);
    ingest(dataDir, even);
    expect(await dumpPageviewHourly(dataDir)).toBe(reference);
  });

  it("re-processes a later hour for late lines only when they change what its labels read", async () => {
    /** Ingests the lines `isLate` picks after all the others; the data directory and the late run's report. */
    const ingestLate = (name: string, isLate: (request: RawRequest) => boolean) => {
      const dataDir = freshDir(name);
      const picked = (late: boolean) => lines.filter((_, i) => isLate(requests[i] as RawRequest) === late);
      ingest(dataDir, writeLines(`${name}-on-time.json.gz`, picked(false)));
      return { dataDir, report: ingest(dataDir, writeLines(`${name}-late.json.gz`, picked(true))).stderr };
    };
    const laterIps = new Set(
      requests.filter((request) => hourOf(request.dt) > "2026011508").map((r) => r.ip),
    );

    // Late lines of 08:00 from IPs that never come back: no actor of a later hour, nor its IP, changes.
    const quiet = ingestLate("late-quiet", (r) => hourOf(r.dt) === "2026011508" && !laterIps.has(r.ip));
    expect(quiet.report).toMatch(/^hours updated: 1 \(2026011508\)$/m);
    expect(await dumpPageviewHourly(quiet.dataDir)).toBe(reference);

    // Late lines of 08:00 from IPs seen later change those actors' 24-hour rollups: the later hours
    // are labelled again, and the totals are those of one ingest.
    const loud = ingestLate("late-loud", (r) => hourOf(r.dt) === "2026011508" && laterIps.has(r.ip));
    expect(loud.report).toMatch(/^hours updated: 4 /m);
    expect(await dumpPageviewHourly(loud.dataDir)).toBe(reference);
  });

  it("reports malformed lines with their line numbers, and keeps every valid line", async () => {
    const dataDir = freshDir("malformed");
    const file = join(workDir, "mixed.json");
    writeFileSync(file, [lines[0], "{not json", lines[1], '{"dt":"2026-01-15T08:00:00Z"}', ""].join("\n"));
    const result = ingest(dataDir, file);
    expect(result.stderr).toMatch(/^malformed lines: 2$/m);
    expect(result.stderr).toContain(`${file}:2`);
    expect(result.stderr).toContain(`${file}:4`);
  });

  it("is exact after being killed at any moment and run again", async () => {
    // From start-up to the serving tables: the later delays fall while hours are being stored.
    for (const delayMs of [400, 900, 1400, 1900, 2400]) {
      const dataDir = freshDir(`killed-${delayMs}`);
      const child = startPageviews(["ingest", "--data-dir", dataDir, allFile]);
      const exited = new Promise((resolve) => child.on("exit", resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill("SIGKILL");
      await exited;
      ingest(dataDir, allFile);
      expect(await dumpPageviewHourly(dataDir), `killed after ${delayMs} ms`).toBe(reference);
    }
  }, 240_000);

  it("refuses a second writer on the same data directory, clearly", async () => {
    const dataDir = freshDir("two-writers");
    const first = startPageviews(["ingest", "--data-dir", dataDir, "-"]);
    // The first ingest holds the lock while it waits for standard input.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = runPageviews(["ingest", "--data-dir", dataDir, allFile]);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    first.stdin.end(`${lines[0]}\n`);
    await new Promise((resolve) => first.on("exit", resolve));
    expect(first.exitCode).toBe(0);
  });

  it("stops with a clear message on an input it cannot open, changing nothing", () => {
    const dataDir = freshDir("unreadable");
    const missing = join(workDir, "missing.json.gz");
    const result = runPageviews(["ingest", "--data-dir", dataDir, allFile, missing]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(missing);
    expect(existsSync(join(dataDir, "raw"))).toBe(false);
  });
});

describe("pageviews ingest --workers", () => {
  it("stores the same hours and serves the same answers as one process", async () => {
    const dataDir = freshDir("workers-2");
    const result = ingest(dataDir, "--workers", "2", allFile);
    expect(result.stderr).toMatch(/^lines read: 24000 /m);
    expect(result.stderr).toMatch(/^hours updated: 4 \(2026011508 … 2026011511\)$/m);
    expect(await dumpPageviewHourly(dataDir)).toBe(reference);
    expect(await readServing(dataDir)).toEqual(await readServing(freshDir("reference")));
  });

  it("reports malformed lines with their line numbers once, however many workers read them", () => {
    const file = join(workDir, "mixed-workers.json");
    writeFileSync(file, [lines[0], "{not json", lines[1], '{"dt":"2026-01-15T08:00:00Z"}', ""].join("\n"));
    const result = ingest(freshDir("workers-malformed"), "--workers", "2", file);
    expect(result.stderr).toMatch(/^lines read: 4 /m);
    expect(result.stderr).toMatch(/^malformed lines: 2$/m);
    expect(result.stderr).toContain(`${file}:2`);
    expect(result.stderr).toContain(`${file}:4`);
  });

  it("stops every worker with a clear message on an input it cannot open, changing nothing", () => {
    const dataDir = freshDir("workers-unreadable");
    const missing = join(workDir, "missing.json.gz");
    const result = runPageviews(["ingest", "--data-dir", dataDir, "--workers", "2", allFile, missing]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(missing);
    expect(existsSync(join(dataDir, "raw"))).toBe(false);
  });

  it("is exact after being killed and run again, with as many workers or another number", async () => {
    for (const [delayMs, again] of [
      [1500, "2"],
      [2500, "3"],
      [3500, "1"],
    ] as const) {
      const dataDir = freshDir(`workers-killed-${delayMs}`);
      const child = startPageviews(["ingest", "--data-dir", dataDir, "--workers", "2", allFile]);
      const exited = new Promise((resolve) => child.on("exit", resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill("SIGKILL");
      await exited;
      ingest(dataDir, "--workers", again, allFile);
      expect(await dumpPageviewHourly(dataDir), `killed after ${delayMs} ms, then ${again} workers`).toBe(
        reference,
      );
    }
  }, 240_000);
});

describe("privacy", () => {
  it("keeps IPs and user agents only in the raw zone", () => {
    const dataDir = freshDir("privacy");
    ingest(dataDir, allFile);
    const secrets = new Set<string>();
    for (const request of requests) {
      if (request.ip.length >= 7) secrets.add(request.ip);
      if (request.user_agent.length >= 12) secrets.add(request.user_agent);
    }
    const found: string[] = [];
    for (const file of filesUnder(dataDir)) {
      if (relative(dataDir, file).startsWith("raw")) continue;
      const bytes = readFileSync(file).toString("latin1");
      for (const secret of secrets)
        if (bytes.includes(secret)) found.push(`${relative(dataDir, file)}: ${secret}`);
    }
    expect(found).toEqual([]);
  });

  it("purges raw data after the retention and leaves the aggregates as they were", async () => {
    const dataDir = freshDir("purged");
    ingest(dataDir, allFile);
    const before = await readServing(dataDir);
    const result = runPageviews(["purge", "--data-dir", dataDir, "--now", "2026-04-16T12:00:00Z"]);
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(join(dataDir, "raw"))).toEqual([]);
    expect(await readServing(dataDir)).toEqual(before);
    // The audit shows the purge: status, retention, first hour kept, and the 4 hours deleted.
    expect(runPageviews(["purge", "--data-dir", dataDir, "--audit"]).stdout).toMatch(
      / ok +90 d +2026011612 +4 /,
    );
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function readServing(dataDir: string) {
  const store = await DuckDbStore.open(storePath(dataDir), { readOnly: true });
  try {
    return {
      hourly: await store.aggregate({
        project: "all-projects",
        access: "all-access",
        agent: "all-agents",
        granularity: "hourly",
        from: "2026011500",
        to: "2026011523",
      }),
      top: await store.top({ project: "en.wikipedia", access: "all-access", day: "20260115" }),
    };
  } finally {
    await store.close();
  }
}
