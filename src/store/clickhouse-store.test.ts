import { describe, expect, it } from "vitest";
import { clickHouseUnavailable } from "../../test/support/clickhouse-cluster.ts";
import { openClickHouseStore, testCluster } from "../../test/support/store-factories.ts";
import { ClickHouseStore, ClickHouseStoreError } from "./clickhouse-store.ts";
import { pageviewRow, processedHour } from "./store.fixtures.ts";

/** What only the ClickHouse store does; the behaviour it shares with DuckDB is in store.test.ts. */

const HOUR = "2026020310";

async function query(url: string, sql: string): Promise<string> {
  const response = await fetch(`${url}/`, { method: "POST", body: sql });
  const body = await response.text();
  if (!response.ok) throw new Error(body);
  return body.trim();
}

describe.skipIf(clickHouseUnavailable() !== null)("ClickHouseStore", () => {
  it("refuses shard URLs that leave a shard of the cluster out, or name one twice", async () => {
    const { shardUrls, cluster } = await testCluster();
    const [first = "", second = ""] = shardUrls;
    const options = { url: first, database: "pageviews_shards", cluster };
    await expect(ClickHouseStore.open({ ...options, shardUrls: [first] })).rejects.toThrow(
      /No URL given for shard 2 of the cluster pageviews/,
    );
    await expect(ClickHouseStore.open({ ...options, shardUrls: [second, second] })).rejects.toThrow(
      ClickHouseStoreError,
    );
    await expect(ClickHouseStore.open({ ...options, cluster: "nowhere", shardUrls })).rejects.toThrow(
      /knows no cluster nowhere/,
    );
  });

  it("keeps all the rows of an article on one shard, and spreads articles over both", async () => {
    const store = await openClickHouseStore("pageviews_locality");
    const articles = Array.from({ length: 40 }, (_, i) => `Page_${i}`);
    const rows = articles.flatMap((article) => [
      pageviewRow({ article, access_method: "desktop" }),
      pageviewRow({ article, access_method: "mobile web", country_code: "US" }),
    ]);
    await store.replaceHour(processedHour(HOUR, rows));
    await store.refreshServing([HOUR.slice(0, 8)]);
    await store.close();

    const { shardUrls } = await testCluster();
    const perShard = await Promise.all(
      shardUrls.map(async (url) => {
        const hourly = await query(
          url,
          "SELECT article FROM pageviews_locality.pageview_hourly_local GROUP BY article FORMAT TSV",
        );
        const daily = await query(
          url,
          "SELECT article FROM pageviews_locality.per_article_daily_local GROUP BY article FORMAT TSV",
        );
        expect(daily.split("\n").sort()).toEqual(hourly.split("\n").sort());
        return hourly.split("\n").filter(Boolean);
      }),
    );
    expect(perShard.every((list) => list.length > 5)).toBe(true);
    expect(perShard.flat().sort()).toEqual([...articles].sort());
  });

  it("refuses an hour with a row of no views before dropping the hour it replaces", async () => {
    const store = await openClickHouseStore();
    try {
      await store.replaceHour(processedHour(HOUR, [pageviewRow({ article: "Kept", views: 4 })]));
      const broken = processedHour(HOUR, [pageviewRow({ article: "New" }), pageviewRow({ views: 0 })]);
      await expect(store.replaceHour(broken)).rejects.toThrow(/views > 0/);
      const kept = await store.perArticle({
        project: "en.wikipedia",
        article: "Kept",
        access: "all-access",
        agent: "all-agents",
        granularity: "hourly",
        from: HOUR,
        to: HOUR,
      });
      expect(kept).toEqual([{ timestamp: HOUR, views: 4 }]);
    } finally {
      await store.close();
    }
  });

  it("refuses a database of schema version 1 before creating any table, saying to drop it", async () => {
    const { shardUrls } = await testCluster();
    for (const url of shardUrls) {
      await query(url, "CREATE DATABASE pageviews_v1");
      await query(
        url,
        "CREATE TABLE pageviews_v1.schema_version_local (version UInt32) ENGINE = MergeTree ORDER BY version",
      );
      await query(url, "INSERT INTO pageviews_v1.schema_version_local VALUES (1)");
    }
    await expect(openClickHouseStore("pageviews_v1")).rejects.toThrow(
      /schema version 1, written by an earlier pageviews.*DROP DATABASE pageviews_v1 on every shard/,
    );
    for (const url of shardUrls) {
      expect(await query(url, "SELECT name FROM system.tables WHERE database = 'pageviews_v1'")).toBe(
        "schema_version_local",
      );
    }
  });

  it("sums an hour once when two processes complete it at the same time", async () => {
    const [first, second] = [
      await openClickHouseStore("pageviews_race"),
      await openClickHouseStore("pageviews_race"),
    ];
    const share = (index: number) => ({
      shard: { index, count: 2 },
      processed: processedHour(
        HOUR,
        Array.from({ length: 30 }, (_, i) => pageviewRow({ article: `Page_${i}`, views: 1 + index })),
      ),
    });
    try {
      await first.replaceHourPart(share(0));
      // Both see the hour complete each round. Dropping then inserting the hour double-counted it within
      // 30 rounds here; replacing partitions never does.
      for (let round = 0; round < 30; round++) {
        expect(
          await Promise.all([first.replaceHourPart(share(0)), second.replaceHourPart(share(1))]),
        ).toContain(true);
      }
    } finally {
      await first.close();
      await second.close();
    }

    const { shardUrls } = await testCluster();
    const [entry = ""] = shardUrls;
    expect(await query(entry, "SELECT sum(views), count() FROM pageviews_race.pageview_hourly")).toBe(
      "90\t30",
    );
    expect(await query(entry, "SELECT pageviews FROM pageviews_race.hours")).toBe("90");
    for (const url of shardUrls) {
      expect(await query(url, "SELECT count() FROM system.tables WHERE name LIKE '%\\_swap\\_%'")).toBe("0");
    }
  });

  it("keeps a day's serving rows once when two processes refresh it at the same time", async () => {
    const [first, second] = [
      await openClickHouseStore("pageviews_refresh_race"),
      await openClickHouseStore("pageviews_refresh_race"),
    ];
    try {
      const rows = Array.from({ length: 30 }, (_, i) => pageviewRow({ article: `Page_${i}`, views: 3 }));
      await first.replaceHour(processedHour(HOUR, rows));
      for (let round = 0; round < 10; round++) {
        await Promise.all([
          first.refreshServing([HOUR.slice(0, 8)]),
          second.refreshServing([HOUR.slice(0, 8)]),
        ]);
      }
    } finally {
      await first.close();
      await second.close();
    }
    const [entry = ""] = (await testCluster()).shardUrls;
    expect(
      await query(entry, "SELECT sum(views), count() FROM pageviews_refresh_race.per_article_daily"),
    ).toBe("90\t30");
    expect(await query(entry, "SELECT sum(views) FROM pageviews_refresh_race.project_hourly")).toBe("90");
  });

  it("refuses a database written with a newer schema", async () => {
    await (await openClickHouseStore("pageviews_newer")).close();
    const { shardUrls } = await testCluster();
    await query(shardUrls[1] ?? "", "INSERT INTO pageviews_newer.schema_version_local VALUES (99)");
    await expect(openClickHouseStore("pageviews_newer")).rejects.toThrow(
      /schema version 99, written by a newer pageviews/,
    );
  });
});
