import { existsSync } from "node:fs";
import { mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Random } from "../generate/random.ts";
import { DuckDbStore } from "./duckdb-store.ts";
import { pageviewRow, processedHour, randomPageviews } from "./store.fixtures.ts";
import type { ApiAccess, ApiAgent, PerArticleQuery, ViewsAt } from "./store.ts";

/**
 * Per-article reads come from the LMDB index beside the store file once it is in step; a read-only
 * store without that file reads per_article_daily with SQL. Each test compares the two.
 */

const ACCESSES: readonly ApiAccess[] = ["all-access", "desktop", "mobile-app", "mobile-web"];
const AGENTS: readonly ApiAgent[] = ["all-agents", "user", "spider", "automated"];
const PROJECTS = ["en.wikipedia", "de.wikipedia", "commons.wikimedia"];
const ARTICLES = ["Article_0", "Article_1", "Article_2", "Article_3", "-", "Never_viewed"];
const LONG_TITLE = `Long_${"x".repeat(3000)}`;
// Two months, so that month keys, month boundaries and monthly buckets are all exercised.
const HOURS = ["2026103022", "2026103023", "2026103101", "2026110100", "2026110113", "2026110223"];

function queries(): PerArticleQuery[] {
  const all: PerArticleQuery[] = [];
  for (const project of PROJECTS) {
    for (const article of [...ARTICLES, LONG_TITLE]) {
      const add = (
        access: ApiAccess,
        agent: ApiAgent,
        granularity: "daily" | "monthly",
        from: string,
        to: string,
      ) => all.push({ project, article, access, agent, granularity, from, to });
      for (const access of ACCESSES) {
        for (const agent of AGENTS) add(access, agent, "daily", "2026100100", "2026113000");
      }
      for (const [access, agent] of [
        ["all-access", "all-agents"],
        ["desktop", "user"],
      ] as const) {
        add(access, agent, "monthly", "2026100100", "2026113000");
        add(access, agent, "monthly", "2026103100", "2026110100");
        add(access, agent, "daily", "2026103101", "2026110200");
      }
    }
  }
  return all;
}

async function answers(store: DuckDbStore): Promise<ViewsAt[][]> {
  const out: ViewsAt[][] = [];
  for (const query of queries()) out.push(await store.perArticle(query));
  return out;
}

describe("the per-article index of the DuckDB store", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pageviews-article-index-"));
    path = join(dir, "pageviews.duckdb");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fill(seed: number): Promise<void> {
    const random = new Random(seed);
    const store = await DuckDbStore.open(path);
    for (const hour of HOURS) {
      const rows = randomPageviews(random, 150);
      rows.push(pageviewRow({ article: LONG_TITLE, views: 3 }));
      await store.replaceHour(processedHour(hour, rows));
    }
    await store.refreshServing(HOURS.map((hour) => hour.slice(0, 8)));
    await store.close();
  }

  /** The answers of per_article_daily: a read-only open without the index file. */
  async function sqlAnswers(): Promise<ViewsAt[][]> {
    const index = `${path}.articles`;
    await rename(index, `${index}.aside`);
    await rename(`${index}-lock`, `${index}.aside-lock`);
    const store = await DuckDbStore.open(path, { readOnly: true });
    try {
      return await answers(store);
    } finally {
      await store.close();
      await rename(`${index}.aside`, index);
      await rename(`${index}.aside-lock`, `${index}-lock`);
    }
  }

  async function indexAnswers(options: { readOnly?: boolean } = {}): Promise<ViewsAt[][]> {
    const store = await DuckDbStore.open(path, options);
    try {
      return await answers(store);
    } finally {
      await store.close();
    }
  }

  async function onDuckDb(statements: string[]): Promise<void> {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    for (const sql of statements) await connection.run(sql);
    connection.closeSync();
    instance.closeSync();
  }

  it("answers every access, agent, granularity and range as per_article_daily does", async () => {
    await fill(1);
    expect(existsSync(`${path}.articles`)).toBe(true);
    const sql = await sqlAnswers();
    expect(sql.filter((views) => views.length > 0).length).toBeGreaterThan(300);
    expect(await indexAnswers()).toEqual(sql);
    expect(await indexAnswers({ readOnly: true })).toEqual(sql);
  });

  it("keeps every article-month whole across the rows read a chunk at a time and the index's write batches", async () => {
    // 7,000 articles of two days in two months: three rows an article-day, so that DuckDB's chunks of
    // 2,048 rows cut through article-months, and 14,000 article-months (written 5,000 at a time).
    const articles = Array.from({ length: 7_000 }, (_, i) => `Many_${i}`);
    const rowsOf = (views: number) =>
      articles.flatMap((article, i) => [
        pageviewRow({ article, views: views + (i % 5) }),
        pageviewRow({ article, views: 1 + (i % 3), access_method: "mobile web", agent_type: "spider" }),
        pageviewRow({ article, views: 1, access_method: "mobile app", agent_type: "automated" }),
      ]);
    const store = await DuckDbStore.open(path);
    await store.replaceHour(processedHour("2026103112", rowsOf(1)));
    await store.replaceHour(processedHour("2026110112", rowsOf(2)));
    await store.refreshServing(["20261031", "20261101"]);
    await store.close();
    const reads = await DuckDbStore.open(path, { readOnly: true });
    try {
      for (let i = 0; i < articles.length; i++) {
        const query: PerArticleQuery = {
          project: "en.wikipedia",
          article: `Many_${i}`,
          access: "all-access",
          agent: "all-agents",
          granularity: "daily",
          from: "2026103000",
          to: "2026110200",
        };
        expect(await reads.perArticle(query)).toEqual([
          { timestamp: "2026103100", views: 1 + (i % 5) + 1 + (i % 3) + 1 },
          { timestamp: "2026110100", views: 2 + (i % 5) + 1 + (i % 3) + 1 },
        ]);
      }
    } finally {
      await reads.close();
    }
  });

  it("serves from the index: a change made behind the store's back is not seen until a rebuild", async () => {
    await fill(2);
    const before = await sqlAnswers();
    await onDuckDb(["UPDATE per_article_daily SET views = views + 1000"]);
    const changed = await sqlAnswers();
    expect(changed).not.toEqual(before);
    // Titles too long for an index key are always read from the table.
    const long = queries().map((query) => query.article === LONG_TITLE);
    expect(await indexAnswers()).toEqual(before.map((views, i) => (long[i] ? changed[i] : views)));
    // A changed token makes the next writable open rebuild the index from the table.
    await onDuckDb(["UPDATE article_index_state SET token = 'another store'"]);
    expect(await indexAnswers({ readOnly: true })).toEqual(changed);
    expect(await indexAnswers()).toEqual(changed);
  });

  it("follows re-processed hours that remove an article from a day or change its views", async () => {
    await fill(3);
    const store = await DuckDbStore.open(path);
    // The day's only rows of Article_1 and Article_2 go; Article_3 gets new views.
    for (const hour of HOURS.filter((h) => h.startsWith("20261101"))) {
      await store.replaceHour(processedHour(hour, [pageviewRow({ article: "Article_3", views: 11 })]));
    }
    await store.refreshServing(["20261101"]);
    await store.close();
    const sql = await sqlAnswers();
    expect(await indexAnswers()).toEqual(sql);
    const article2 = queries().findIndex((q) => q.article === "Article_2" && q.granularity === "daily");
    expect(sql[article2]?.some((v) => v.timestamp === "2026110100")).toBe(false);
  });

  it("finishes at the next open what a crash left between the store's commit and the index", async () => {
    await fill(4);
    // As after a refresh that committed and recorded its changes, the process dying before the index.
    await onDuckDb([
      "UPDATE per_article_daily SET views = views + 7 WHERE article = 'Article_0'",
      `INSERT INTO article_index_pending
         SELECT DISTINCT project, article, day // 100 FROM per_article_daily WHERE article = 'Article_0'`,
    ]);
    const sql = await sqlAnswers();
    // Read-only, the index is not trusted while changes are pending.
    expect(await indexAnswers({ readOnly: true })).toEqual(sql);
    expect(await indexAnswers()).toEqual(sql);
  });

  it("rebuilds a deleted index when the store is next opened for writing", async () => {
    await fill(5);
    const sql = await sqlAnswers();
    await rm(`${path}.articles`);
    await rm(`${path}.articles-lock`);
    expect(await indexAnswers()).toEqual(sql);
    expect(existsSync(`${path}.articles`)).toBe(true);
  });
});
