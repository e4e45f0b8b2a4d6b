/**
 * Figures of the embedded store (DuckDB) on generated data:
 *  1. bytes on disk per pageview_hourly row and replaceHour time, for --hours hours of --rows rows
 *     (Zipf-popular articles of the generator's wikis, 9 access × agent pairs, 100 countries);
 *  2. a one-article-one-year per_article_daily read on --articles distinct articles × 30 days: latency,
 *     and the rows DuckDB scans for it, before and after compact().
 *
 *   npx tsx bench/store.bench.ts [--hours 24] [--rows 200000] [--articles 1200000]
 *
 * About 15 minutes on two cores with the defaults; the databases (up to 1.4 GB) go to bench/.out/ and
 * are deleted at the end.
 */
import { rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { enWikipedia } from "../src/generate/projects.ts";
import { Random } from "../src/generate/random.ts";
import { DuckDbStore } from "../src/store/duckdb-store.ts";
import type { PageviewHourlyRow } from "../src/store/store.ts";
import { accessShare, processed, realisticHour } from "./support/hourly-rows.ts";

const { values } = parseArgs({
  options: {
    hours: { type: "string", default: "24" },
    rows: { type: "string", default: "200000" },
    articles: { type: "string", default: "1200000" },
  },
});
const outDir = fileURLToPath(new URL("./.out/", import.meta.url));

/** The path of a bench database, emptied. */
function fresh(name: string): string {
  const path = `${outDir}${name}`;
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  return path;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function sizeAndWriteTime(hours: number, rowsPerHour: number): Promise<void> {
  const path = fresh("store-size.duckdb");
  let store = await DuckDbStore.open(path);
  let writeMs = 0;
  for (let h = 0; h < hours; h++) {
    const rows = realisticHour(1000 + h, rowsPerHour);
    const started = performance.now();
    await store.replaceHour(processed(`20260115${String(h).padStart(2, "0")}`, rows));
    writeMs += performance.now() - started;
  }
  await store.close(); // checkpoints
  const total = hours * rowsPerHour;
  const hourlyBytes = statSync(path).size;
  console.log(`pageview_hourly: ${total.toLocaleString()} rows, file ${mib(hourlyBytes)}`);
  console.log(`  ${(hourlyBytes / total).toFixed(2)} bytes per row (target < 20)`);
  console.log(
    `  replaceHour: ${(writeMs / hours).toFixed(0)} ms per hour of ${rowsPerHour.toLocaleString()} rows`,
  );

  store = await DuckDbStore.open(path);
  const started = performance.now();
  await store.refreshServing(["20260115"]);
  console.log(`  refreshServing(1 day): ${(performance.now() - started).toFixed(0)} ms`);
  await store.close();
  console.log(`  with the day's serving tables: file ${mib(statSync(path).size)}`);
  fresh("store-size.duckdb");
}

/** One row per article and day (two more for popular ones), as one hour per day. */
function articleDay(titles: readonly string[], day: number, random: Random): PageviewHourlyRow[] {
  const rows: PageviewHourlyRow[] = [];
  titles.forEach((article, i) => {
    const base = {
      project: "en.wikipedia",
      language_variant: "default",
      article,
      page_id: i + 1,
      namespace_id: 0,
    };
    const place = { referer_class: "internal", continent: "North America", country_code: "US" };
    const views = 1 + Math.floor(100_000 / (i + 1 + day));
    rows.push({ ...base, ...place, access_method: accessShare.draw(random), agent_type: "user", views });
    if (i < 50_000) {
      rows.push({ ...base, ...place, access_method: "mobile app", agent_type: "user", views });
      rows.push({ ...base, ...place, access_method: "desktop", agent_type: "spider", views: 1 });
    }
  });
  return rows;
}

async function timedReads(store: DuckDbStore, titles: readonly string[]): Promise<string> {
  const random = new Random(7);
  const latencies: number[] = [];
  for (let i = 0; i < 200; i++) {
    const article = titles[random.int(titles.length)] ?? "";
    const started = performance.now();
    const days = await store.perArticle({
      project: "en.wikipedia",
      article,
      access: "all-access",
      agent: "user",
      granularity: "daily",
      from: "2025010100",
      to: "2025123100",
    });
    latencies.push(performance.now() - started);
    if (days.length !== 30) throw new Error(`expected 30 days of ${article}, got ${days.length}`);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(1);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms`;
}

/** Rows the scan of a one-article-one-year read touches, from DuckDB's profile (row groups of 122,880). */
async function rowsScanned(path: string, article: string): Promise<string> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  const total = await connection.runAndReadAll("SELECT count(*) FROM per_article_daily");
  await connection.run("PRAGMA enable_profiling = 'json'");
  const profile = await connection.runAndReadAll(
    `EXPLAIN ANALYZE SELECT day, sum(views) FROM per_article_daily
     WHERE project = 'en.wikipedia' AND article = $article AND day BETWEEN 20250101 AND 20251231 GROUP BY day`,
    { article },
  );
  const scanned = Number(JSON.parse(String(profile.getRows()[0]?.[1])).cumulative_rows_scanned);
  connection.closeSync();
  instance.closeSync();
  const rows = Number(total.getRows()[0]?.[0]);
  return `${scanned.toLocaleString()} of ${rows.toLocaleString()} rows scanned (~${Math.ceil(scanned / 122_880)} row groups)`;
}

async function perArticleReads(articles: number): Promise<void> {
  const path = fresh("store-reads.duckdb");
  const titles = Array.from({ length: articles }, (_, i) => enWikipedia.titles.title(i + 1));
  const random = new Random(3);
  let store = await DuckDbStore.open(path);
  const days: string[] = [];
  for (let d = 2; d <= 31; d++) {
    const day = `202512${String(d).padStart(2, "0")}`;
    days.push(day);
    await store.replaceHour(processed(`${day}12`, articleDay(titles, d, random)));
  }
  // A first hour of January closes December, so that compact() sorts it.
  await store.replaceHour(processed("2026010100", articleDay(titles.slice(0, 10), 1, random)));
  let started = performance.now();
  await store.refreshServing([...days, "20260101"]);
  console.log(`per_article_daily: ${articles.toLocaleString()} articles × 30 days`);
  console.log(`  refreshServing(31 days): ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  day slices:  one article, one year: ${await timedReads(store, titles)}`);
  await store.close();
  const probe = titles[Math.floor(articles / 2)] ?? "";
  console.log(`               ${await rowsScanned(path, probe)}`);

  store = await DuckDbStore.open(path);
  started = performance.now();
  await store.compact();
  console.log(`  compact() of the month: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  sorted month: one article, one year: ${await timedReads(store, titles)}`);
  await store.close();
  console.log(`               ${await rowsScanned(path, probe)}`);
  console.log(`  file ${mib(statSync(path).size)}`);
  fresh("store-reads.duckdb");
}

await sizeAndWriteTime(Number(values.hours), Number(values.rows));
await perArticleReads(Number(values.articles));
