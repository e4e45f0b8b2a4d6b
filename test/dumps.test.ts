import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../src/api/server.ts";
import { parseCompleteLine } from "../src/dumps/complete-lines.ts";
import { readDumpLines } from "../src/dumps/dump-files.ts";
import { type ExportReport, exportDumps } from "../src/dumps/export.ts";
import { DomainCodeReader, parseHourlyLine } from "../src/dumps/hourly-lines.ts";
import { type ImportReport, importDumps } from "../src/dumps/import.ts";
import { HOUR_SLOTS } from "../src/dumps/letters.ts";
import { parseDumpName } from "../src/dumps/names.ts";
import { DuckDbStore } from "../src/store/duckdb-store.ts";
import { pageviewRow, processedHour } from "../src/store/store.fixtures.ts";
import { type ApiFixture, apiFixture, DAYS, HAND_MADE } from "./support/api-fixture.ts";

/**
 * The round trip: generated traffic → ingest → `dumps export` → `dumps import` into empty data
 * directories → the API answers as it did, for what each format carries.
 */

const BASE = "/api/rest_v1/metrics/pageviews";
const PROJECTS = ["en.wikipedia", "de.wikipedia", "commons.wikimedia", "wikidata", "all-projects"];
const [FIRST_DAY, , LAST_DAY] = DAYS;

let fixture: ApiFixture;
let work: string;
let out: string;
let exported: ExportReport;

beforeAll(async () => {
  fixture = await apiFixture();
  work = mkdtempSync(join(tmpdir(), "pageviews-dumps-"));
  out = join(work, "out");
  exported = await exportDumps({ store: fixture.store, from: FIRST_DAY, to: LAST_DAY, out });
}, 180_000);

afterAll(async () => {
  await fixture?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Exported files (absolute paths) whose name matches. */
function exportedFiles(name: RegExp): string[] {
  return exported.files.filter((file) => name.test(basename(file))).map((file) => join(out, file));
}

interface Imported {
  app: FastifyInstance;
  report: ImportReport;
  importMore(files: string[]): Promise<ImportReport>;
  close(): Promise<void>;
}

const opened: Imported[] = [];
afterAll(async () => {
  for (const imported of opened) await imported.close();
});

async function importInto(files: string[]): Promise<Imported> {
  const dataDir = mkdtempSync(join(work, "data-"));
  const store = await DuckDbStore.open(join(dataDir, "pageviews.duckdb"));
  const report = await importDumps(files, { store });
  const app = await createApiServer({ store, version: "test", rateLimit: 0 });
  const imported = {
    app,
    report,
    importMore: (more: string[]) => importDumps(more, { store }),
    async close() {
      await app.close();
      await store.close();
    },
  };
  opened.push(imported);
  return imported;
}

async function answer(app: FastifyInstance, path: string): Promise<{ status: number; body: unknown }> {
  const response = await app.inject({ method: "GET", url: `${BASE}${path}` });
  return { status: response.statusCode, body: response.json() };
}

/** The items with views, or none: what a store without some agents' rows can still agree on. */
async function viewedItems(app: FastifyInstance, path: string): Promise<unknown[]> {
  const { status, body } = await answer(app, path);
  if (status === 404) return [];
  expect(status, path).toBe(200);
  return (body as { items: { views: number }[] }).items.filter((item) => item.views > 0);
}

const RANGE = `${FIRST_DAY}00/${LAST_DAY}23`;

function articlePaths(access: string, agent: string, granularity = "daily"): string[] {
  const articles = [
    ...fixture.known.articles("en.wikipedia").slice(0, 15),
    ...HAND_MADE.map((p) => p.article),
  ];
  return articles.map(
    (article) =>
      `/per-article/en.wikipedia/${access}/${agent}/${encodeURIComponent(article)}/${granularity}/${RANGE}`,
  );
}

function aggregatePaths(access: string, agent: string): string[] {
  return PROJECTS.flatMap((project) =>
    ["hourly", "daily"].map(
      (granularity) => `/aggregate/${project}/${access}/${agent}/${granularity}/${RANGE}`,
    ),
  );
}

function topPaths(access: string): string[] {
  return DAYS.flatMap((day) =>
    ["en.wikipedia", "wikidata"].map(
      (project) => `/top/${project}/${access}/${day.slice(0, 4)}/${day.slice(4, 6)}/${day.slice(6)}`,
    ),
  );
}

async function expectSameAnswers(imported: FastifyInstance, paths: string[]): Promise<void> {
  for (const path of paths)
    expect(await answer(imported, path), path).toEqual(await answer(fixture.app, path));
}

async function expectSameViews(imported: FastifyInstance, paths: string[]): Promise<void> {
  for (const path of paths) {
    expect(await viewedItems(imported, path), path).toEqual(await viewedItems(fixture.app, path));
  }
}

/** A day's views of an agent as the store serves them (automated agents are labelled at ingest). */
async function storedViews(day: string, agent: string): Promise<number> {
  const items = await viewedItems(
    fixture.app,
    `/aggregate/all-projects/all-access/${agent}/daily/${day}00/${day}00`,
  );
  return (items as { views: number }[]).reduce((sum, item) => sum + item.views, 0);
}

describe("dumps export", () => {
  it("writes every file in Wikimedia's folders, each folder with a sha256sums.txt that verifies", () => {
    expect(exportedFiles(/^pageviews-\d{8}-\d{6}\.gz$/)).toHaveLength(72);
    expect(exportedFiles(/^projectviews-\d{8}-\d{6}$/)).toHaveLength(72);
    expect(exportedFiles(/^pageviews-\d{8}-(user|spider|automated)\.bz2$/)).toHaveLength(9);
    expect(exportedFiles(/\.parquet$/)).toHaveLength(3);
    // No whole month lies in 2026-01-30 … 2026-02-01.
    expect(exportedFiles(/^pageviews-\d{6}-/)).toHaveLength(0);
    expect(exported.files).toContain("pageviews/2026/2026-01/pageviews-20260130-010000.gz");
    expect(exported.files).toContain("pageviews/2026/2026-02/projectviews-20260201-000000");
    const folders = new Set(exported.files.map((file) => join(out, dirname(file))));
    expect(folders.size).toBe(6);
    for (const folder of folders) {
      const check = spawnSync("sha256sum", ["--check", "--strict", "sha256sums.txt"], {
        cwd: folder,
        encoding: "utf8",
      });
      expect(check.status, check.stderr).toBe(0);
      expect(check.stdout.split("\n").filter(Boolean)).toHaveLength(readdirSync(folder).length - 1);
    }
  });

  it("puts each hour's user views in the hourly pageviews file named after the hour's end", async () => {
    const codes = new DomainCodeReader();
    const byDay = new Map<string, number>();
    for (const path of exportedFiles(/^pageviews-\d{8}-\d{6}\.gz$/)) {
      const file = parseDumpName(basename(path));
      const day = file !== null && "hour" in file ? file.hour.slice(0, 8) : "";
      for await (const lines of readDumpLines(path)) {
        for (const text of lines) {
          const line = parseHourlyLine(text);
          expect(line, text).not.toBeNull();
          expect(codes.read(line?.code ?? ""), text).not.toBeNull();
          byDay.set(day, (byDay.get(day) ?? 0) + (line?.views ?? 0));
        }
      }
    }
    for (const day of DAYS) expect(byDay.get(day), day).toBe(await storedViews(day, "user"));
  });

  it("puts each day's views of an agent in its pageview_complete file, by hour letter", async () => {
    for (const path of exportedFiles(/^pageviews-\d{8}-\w+\.bz2$/)) {
      const file = parseDumpName(basename(path));
      if (file?.kind !== "complete-daily") throw new Error(`unexpected ${path}`);
      let total = 0;
      let previous = "";
      for await (const lines of readDumpLines(path)) {
        for (const text of lines) {
          const line = parseCompleteLine(text, HOUR_SLOTS);
          expect(line, text).not.toBeNull();
          const key = `${line?.project} ${line?.article}`;
          expect(Buffer.compare(Buffer.from(previous), Buffer.from(key)), text).toBeLessThanOrEqual(0);
          previous = key;
          total += line?.total ?? 0;
        }
      }
      expect(total, path).toBe(await storedViews(file.day, file.agent));
    }
  });

  it("writes pageview_hourly to Parquet with Wikimedia's column names", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      const result = await connection.runAndReadAll(
        `SELECT sum(view_count), count(DISTINCT day), min(year), max(hour) FROM '${out}/pageview_hourly/*/*/*.parquet'`,
      );
      const [views, days, year, maxHour] = result.getRows()[0] ?? [];
      expect(Number(views)).toBe(fixture.known.sum({}));
      expect(days).toBe(3n);
      expect(year).toBe(2026);
      expect(maxHour).toBe(23);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe("dumps import", () => {
  it("of the daily pageview_complete files answers per-article, aggregate and top as before", async () => {
    const imported = await importInto(exportedFiles(/^pageviews-\d{8}-\w+\.bz2$/));
    expect(imported.report.files.every((file) => file.status === "imported" && file.malformed === 0)).toBe(
      true,
    );
    for (const access of ["all-access", "desktop", "mobile-app", "mobile-web"]) {
      for (const agent of ["all-agents", "user", "spider", "automated"]) {
        await expectSameAnswers(imported.app, articlePaths(access, agent));
        await expectSameAnswers(imported.app, aggregatePaths(access, agent));
      }
      await expectSameAnswers(imported.app, topPaths(access));
    }
  });

  it("of the hourly pageviews files answers for users, mobile app and web together", async () => {
    const imported = await importInto(exportedFiles(/^pageviews-\d{8}-\d{6}\.gz$/));
    expect(imported.report.linesRead).toBeGreaterThan(1000);
    for (const access of ["all-access", "desktop"]) {
      await expectSameViews(imported.app, articlePaths(access, "user"));
      await expectSameViews(imported.app, articlePaths(access, "user", "hourly"));
      await expectSameAnswers(imported.app, aggregatePaths(access, "user"));
      await expectSameAnswers(imported.app, topPaths(access));
    }
  });

  it("of the projectviews files answers the project aggregates", async () => {
    const imported = await importInto(exportedFiles(/^projectviews-/));
    for (const access of ["all-access", "desktop"]) {
      await expectSameAnswers(imported.app, aggregatePaths(access, "user"));
    }
  });

  it("never counts a view twice: projectviews beside pageviews, a daily file over hourly ones, a file again", async () => {
    const hourly = exportedFiles(/^pageviews-\d{8}-\d{6}\.gz$/);
    const projectviews = exportedFiles(/^projectviews-/);
    const imported = await importInto([...projectviews.slice(0, 30), ...hourly.slice(0, 40)]);
    const fillers = imported.report.files.filter((file) => file.kind === "projectviews");
    expect(fillers.filter((file) => file.hours.length === 0)).toHaveLength(30);

    await imported.importMore([...hourly.slice(40), ...projectviews]);
    await expectSameAnswers(imported.app, aggregatePaths("all-access", "user"));

    const again = await imported.importMore(hourly.slice(0, 5));
    expect(again.files.map((file) => file.status)).toEqual(new Array(5).fill("unchanged"));

    await imported.importMore(exportedFiles(/^pageviews-\d{8}-user\.bz2$/));
    await expectSameAnswers(imported.app, aggregatePaths("all-access", "user"));
    await expectSameAnswers(imported.app, aggregatePaths("desktop", "user"));
    await expectSameViews(imported.app, articlePaths("all-access", "user"));
  });

  it("counts and skips malformed lines and lines of unknown domain codes", async () => {
    const path = join(work, "pageviews-20260130-010000.gz");
    const lines = ["en Cat 3 0", "en Cat three 0", "en.mw en 40 0", "de.m Hund 2 0", "", "en Dog 1"];
    writeFileSync(path, gzipSync(`${lines.join("\n")}\n`));
    const imported = await importInto([path]);
    expect(imported.report.files[0]).toMatchObject({
      lines: 6,
      malformed: 3,
      malformedAt: [2, 5, 6],
      unknownCodes: 1,
    });
    const dog = await answer(
      imported.app,
      `/per-article/de.wikipedia/mobile-web/user/Hund/daily/2026013000/2026013000`,
    );
    expect(dog.body).toMatchObject({ items: [{ views: 2 }] });
    expect(
      await viewedItems(imported.app, `/aggregate/all-projects/all-access/user/daily/2026013000/2026013000`),
    ).toMatchObject([{ views: 5 }]);
  });

  it("refuses a file whose lines are not what its name says, and replaces nothing with it", async () => {
    const hourly = join(work, "pageviews-20260130-020000.gz");
    writeFileSync(hourly, gzipSync("en Cat 3 0\nen Dog 2 0\n"));
    const imported = await importInto([hourly]);
    // A pageview_complete file renamed as the same hour's hourly dump.
    const misnamed = join(work, "misnamed", "pageviews-20260130-020000.gz");
    mkdirSync(join(work, "misnamed"));
    writeFileSync(misnamed, gzipSync("en.wikipedia Cat null desktop 7 B7\n"));
    const report = await imported.importMore([misnamed]);
    expect(report.files[0]).toMatchObject({ status: "refused" });
    expect(report.files[0]?.refusal).toMatch(
      /named as a pageviews dump, but none of its first 1 lines reads as one/,
    );
    const cat = await answer(
      imported.app,
      "/per-article/en.wikipedia/all-access/user/Cat/daily/2026013000/2026013000",
    );
    expect(cat.body).toMatchObject({ items: [{ views: 3 }] });
  });
});

describe("legacy pagecounts", () => {
  it("sums each hour by project and site, for the legacy aggregate", async () => {
    const path = join(work, "pagecounts-20150630-130000.gz");
    const lines = [
      "en Main_Page 10 5000",
      "en Cat 5 100",
      "en.m Cat 4 10",
      "en.z Dog 1 1",
      "en.mw en 99 1",
      "bad",
    ];
    writeFileSync(path, gzipSync(`${lines.join("\n")}\n`));
    const dataDir = mkdtempSync(join(work, "data-"));
    const store = await DuckDbStore.open(join(dataDir, "pageviews.duckdb"));
    const report = await importDumps([path], { store });
    expect(report.files[0]).toMatchObject({ lines: 6, malformed: 1, unknownCodes: 1, hours: ["2015063012"] });
    const query = { project: "en.wikipedia", from: "2015063000", to: "2015063023" } as const;
    expect(await store.legacyPagecounts({ ...query, accessSite: "all-sites", granularity: "daily" })).toEqual(
      [{ timestamp: "2015063000", views: 20 }],
    );
    expect(
      await store.legacyPagecounts({ ...query, accessSite: "mobile-site", granularity: "hourly" }),
    ).toEqual([{ timestamp: "2015063012", views: 4 }]);
    await store.close();
  });
});

describe("monthly pageview_complete", () => {
  it("round-trips a 31-day month: each day's views, on the days after Z too", async () => {
    const source = await DuckDbStore.open(":memory:");
    const days = ["01", "26", "27", "31"];
    for (const [i, day] of days.entries()) {
      await source.replaceHour(
        processedHour(`202601${day}13`, [
          pageviewRow({ views: 10 + i }),
          pageviewRow({ article: "Dog", access_method: "mobile app", agent_type: "spider", views: 1 + i }),
        ]),
      );
    }
    await source.refreshServing(days.map((day) => `202601${day}`));
    const monthOut = join(work, "monthly");
    const report = await exportDumps({ store: source, from: "20260101", to: "20260131", out: monthOut });
    const monthly = report.files
      .filter((file) => file.includes("/monthly/"))
      .map((file) => join(monthOut, file));
    expect(monthly.map((file) => basename(file))).toEqual([
      "pageviews-202601-user.bz2",
      "pageviews-202601-spider.bz2",
      "pageviews-202601-automated.bz2",
    ]);
    const lines: string[] = [];
    for (const file of monthly)
      for await (const batch of readDumpLines(file)) lines.push(...batch.filter(Boolean));
    expect(lines).toEqual([
      "en.wikipedia Cat 6678 desktop 46 A10Z11[12_13",
      "en.wikipedia Dog 6678 mobile-app 10 A1Z2[3_4",
    ]);

    const imported = await importInto(monthly);
    const sourceApp = await createApiServer({ store: source, version: "test", rateLimit: 0 });
    for (const path of [
      "/per-article/en.wikipedia/all-access/all-agents/Cat/daily/2026010100/2026013100",
      "/per-article/en.wikipedia/mobile-app/spider/Dog/monthly/2026010100/2026013100",
      "/aggregate/en.wikipedia/all-access/all-agents/monthly/2026010100/2026013100",
    ]) {
      const expected = await sourceApp.inject({ method: "GET", url: `${BASE}${path}` });
      expect((await answer(imported.app, path)).body, path).toEqual(expected.json());
    }
    await sourceApp.close();
    await source.close();
  });
});
