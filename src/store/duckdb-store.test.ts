import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SCHEMA_V1_TABLES } from "./duckdb-schema-v1.fixtures.ts";
import { DuckDbStore, StoreLockedError, StoreReadOnlyError } from "./duckdb-store.ts";
import { actorMetricsRow, pageviewRow, processedHour } from "./store.fixtures.ts";

const HOUR = "2026020310";

function hourlyViews(store: DuckDbStore, article: string, project = "en.wikipedia") {
  return store.perArticle({
    project,
    article,
    access: "all-access",
    agent: "all-agents",
    granularity: "hourly",
    from: HOUR,
    to: HOUR,
  });
}

describe("DuckDbStore in memory", () => {
  let store: DuckDbStore;
  beforeEach(async () => {
    store = await DuckDbStore.open(":memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  it("leaves the previous version intact when replacing an hour fails half-way", async () => {
    await store.replaceHour(
      processedHour(HOUR, [pageviewRow({ article: "Kept", views: 4 })], {
        actorMetrics: [actorMetricsRow(HOUR, { actorSignature: "kept-actor" })],
        fingerprint: "good",
      }),
    );
    const rows = Array.from({ length: 5000 }, (_, i) => pageviewRow({ article: `Page_${i}`, views: 1 }));
    // A row with no views breaks a constraint of pageview_hourly after the hour's old rows are deleted.
    rows[2500] = pageviewRow({ article: "Broken", views: 0 });
    await expect(
      store.replaceHour(
        processedHour(HOUR, rows, {
          actorMetrics: [actorMetricsRow(HOUR, { actorSignature: "lost-actor" })],
          fingerprint: "bad",
        }),
      ),
    ).rejects.toThrow(/CHECK constraint/);

    expect(await hourlyViews(store, "Kept")).toEqual([{ timestamp: HOUR, views: 4 }]);
    expect(await hourlyViews(store, "Page_1")).toEqual([]);
    expect((await store.actorMetrics(HOUR, HOUR)).map((m) => m.actorSignature)).toEqual(["kept-actor"]);
    expect((await store.hourStates()).get(HOUR)?.rawFingerprint).toBe("good");

    // The store still takes writes after the failure.
    await store.replaceHour(processedHour(HOUR, [pageviewRow({ article: "Later", views: 3 })]));
    expect(await hourlyViews(store, "Later")).toEqual([{ timestamp: HOUR, views: 3 }]);
  });
});

/** Every column and constraint of a store file's tables, as text. */
async function schemaOf(path: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    const columns = await connection.runAndReadAll(
      `SELECT table_name, column_index, column_name, data_type, is_nullable, column_default
       FROM duckdb_columns() WHERE NOT internal ORDER BY table_name, column_index`,
    );
    const constraints = await connection.runAndReadAll(
      `SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() ORDER BY ALL`,
    );
    return [...columns.getRows(), ...constraints.getRows()].map((row) => row.map(String).join(" "));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("DuckDB's memory", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is limited to 256 MiB unless the store is opened with another limit", async () => {
    const create = vi.spyOn(DuckDBInstance, "create");
    for (const [memoryMiB, expected] of [
      [undefined, "256MiB"],
      [1024, "1024MiB"],
    ] as const) {
      const store = await DuckDbStore.open(":memory:", { memoryMiB });
      await store.close();
      expect(create.mock.lastCall?.[1]).toMatchObject({ memory_limit: expected });
    }
  });
});

describe("DuckDbStore on disk", () => {
  let dir: string;
  let path: string;
  let holder: ChildProcess | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pageviews-store-"));
    path = join(dir, "pageviews.duckdb");
  });
  afterEach(async () => {
    holder?.kill();
    holder = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps data across close and open, and opens read-only for reads only", async () => {
    const store = await DuckDbStore.open(path);
    await store.replaceHour(processedHour(HOUR, [pageviewRow({ views: 6 })]));
    await store.close();

    const reader = await DuckDbStore.open(path, { readOnly: true });
    try {
      expect(await hourlyViews(reader, "Cat")).toEqual([{ timestamp: HOUR, views: 6 }]);
      expect(await reader.actorMetrics(HOUR, HOUR, ["sig-1"])).toEqual([]);
      await expect(reader.replaceHour(processedHour(HOUR, []))).rejects.toThrow(StoreReadOnlyError);
    } finally {
      await reader.close();
    }
  });

  /** Three hours of one day whose rows alternate between two articles, stored and refreshed. */
  async function storeZebraDay(options: { compact?: boolean } = {}) {
    const hours = ["2026020300", "2026020301", "2026020302"];
    const store = await DuckDbStore.open(path);
    for (const [i, hour] of hours.entries()) {
      await store.replaceHour(
        processedHour(hour, [
          pageviewRow({ article: "Zebra", views: 1 + i }),
          pageviewRow({ article: "Aardvark", views: 2 + i }),
        ]),
      );
    }
    await store.refreshServing(["20260203"], options);
    return store;
  }

  const zebraHours = (reader: DuckDbStore) =>
    reader.perArticle({
      project: "en.wikipedia",
      article: "Zebra",
      access: "all-access",
      agent: "all-agents",
      granularity: "hourly",
      from: "2026020300",
      to: "2026020323",
    });

  /** pageview_hourly in the order DuckDB stores it, and the days and months still to sort. */
  const physicalOrder = async () => {
    const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
    const connection = await instance.connect();
    try {
      const rows = await connection.runAndReadAll("SELECT article, hour FROM pageview_hourly ORDER BY rowid");
      const days = await connection.runAndReadAll("SELECT day FROM pageview_hourly_unsorted");
      const months = await connection.runAndReadAll("SELECT month FROM per_article_daily_unsorted");
      return {
        rows: rows.getRows().map((row) => row.join(" ")),
        unsorted: days.getRows().flat(),
        unsortedMonths: months.getRows().flat(),
      };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  };

  const SORTED_ZEBRA_DAY = {
    rows: [
      "Aardvark 2026020300",
      "Aardvark 2026020301",
      "Aardvark 2026020302",
      "Zebra 2026020300",
      "Zebra 2026020301",
      "Zebra 2026020302",
    ],
    unsorted: [],
    unsortedMonths: [],
  };

  it("rewrites a changed day of hourly rows as one run sorted by article, reads unchanged", async () => {
    const store = await storeZebraDay();
    const before = await zebraHours(store);
    expect(before).toHaveLength(3);
    await store.close();
    // Inserted hour by hour: the articles alternate; the day waits for compaction.
    expect(await physicalOrder()).toMatchObject({ unsorted: [20260203], unsortedMonths: [202602] });
    expect((await physicalOrder()).rows.slice(0, 2)).toEqual(["Aardvark 2026020300", "Zebra 2026020300"]);

    const compacting = await DuckDbStore.open(path);
    await compacting.compact();
    expect(await zebraHours(compacting)).toEqual(before);
    await compacting.close();
    expect(await physicalOrder()).toEqual(SORTED_ZEBRA_DAY);
  });

  it("refreshes and compacts in one call, sorting the day while it writes the per-article index", async () => {
    const store = await storeZebraDay({ compact: true });
    expect(await zebraHours(store)).toEqual([
      { timestamp: "2026020300", views: 1 },
      { timestamp: "2026020301", views: 2 },
      { timestamp: "2026020302", views: 3 },
    ]);
    await store.close();
    expect(await physicalOrder()).toEqual(SORTED_ZEBRA_DAY);
    // The per-article index is in step: no change is left pending for it, and it answers.
    const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
    const connection = await instance.connect();
    const pending = await connection.runAndReadAll("SELECT count(*) FROM article_index_pending");
    connection.closeSync();
    instance.closeSync();
    expect(pending.getRows()).toEqual([[0n]]);
    const reader = await DuckDbStore.open(path, { readOnly: true });
    try {
      expect(
        await reader.perArticle({
          project: "en.wikipedia",
          article: "Aardvark",
          access: "all-access",
          agent: "all-agents",
          granularity: "daily",
          from: "2026020300",
          to: "2026020300",
        }),
      ).toEqual([{ timestamp: "2026020300", views: 2 + 3 + 4 }]);
    } finally {
      await reader.close();
    }
  });

  it("refuses a store written with a newer schema", async () => {
    await (await DuckDbStore.open(path)).close();
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run("UPDATE schema_version SET version = 99");
    connection.closeSync();
    instance.closeSync();

    await expect(DuckDbStore.open(path)).rejects.toThrow(/schema version 99, written by a newer pageviews/);
  });

  it("migrates a version-1 store when opened for writing, keeping its data, and refuses it read-only", async () => {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    for (const ddl of SCHEMA_V1_TABLES) await connection.run(ddl);
    await connection.run("INSERT INTO schema_version VALUES (1)");
    await connection.run(
      `INSERT INTO hours VALUES (2026020310, 'test-1', 'old', 9, 8, 1, TIMESTAMP '2026-02-03 11:00:00', 4)`,
    );
    await connection.run(
      `INSERT INTO pageview_hourly VALUES (2026020310, 'en.wikipedia', 'default', 'Cat', 6678, 0, 'desktop',
         'user', 'internal', 'Europe', 'FR', 4, 'test-1')`,
    );
    await connection.run(
      `INSERT INTO actor_metrics_hourly VALUES (2026020310, 'old-actor', true, false, 'ip-1', 3, 1768435200,
         1768435260, 3, 0, 80, 2, 0, 0)`,
    );
    await connection.run(
      "INSERT INTO actor_labels_hourly VALUES (2026020310, 'old-actor', 'more than 800 req', NULL)",
    );
    connection.closeSync();
    instance.closeSync();

    await expect(DuckDbStore.open(path, { readOnly: true })).rejects.toThrow(
      /schema version 1, written by an earlier pageviews.* Open it once for writing/,
    );
    const store = await DuckDbStore.open(path);
    try {
      expect(await hourlyViews(store, "Cat")).toEqual([{ timestamp: HOUR, views: 4 }]);
      expect(await store.actorMetrics(HOUR, HOUR)).toEqual([
        actorMetricsRow(HOUR, { actorSignature: "old-actor" }),
      ]);
      // Version 1's actor rows became the whole hour's (shard 0 of 1): a share of that shard replaces them.
      const processed = processedHour(HOUR, [pageviewRow({ views: 6 })], {
        actorMetrics: [actorMetricsRow(HOUR, { actorSignature: "new-actor" })],
      });
      expect(await store.replaceHourPart({ shard: { index: 0, count: 1 }, processed })).toBe(true);
      expect((await store.actorMetrics(HOUR, HOUR)).map((m) => m.actorSignature)).toEqual(["new-actor"]);
      expect(await hourlyViews(store, "Cat")).toEqual([{ timestamp: HOUR, views: 6 }]);
    } finally {
      await store.close();
    }

    const fresh = join(dir, "fresh.duckdb");
    await (await DuckDbStore.open(fresh)).close();
    expect(await schemaOf(path)).toEqual(await schemaOf(fresh));
    const reader = await DuckDbStore.open(path, { readOnly: true });
    await reader.close();
  });

  it("refuses to open a read-only store that does not exist yet", async () => {
    await expect(DuckDbStore.open(path, { readOnly: true })).rejects.toThrow(/does not exist/);
  });

  it("says which file another process holds", async () => {
    await (await DuckDbStore.open(path)).close();
    holder = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { DuckDBInstance } = await import("@duckdb/node-api");
         await DuckDBInstance.create(${JSON.stringify(path)});
         console.log("ready");
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise((resolve) => holder?.stdout?.once("data", resolve));

    const opening = DuckDbStore.open(path);
    await expect(opening).rejects.toThrow(StoreLockedError);
    await expect(opening).rejects.toThrow(
      `Another pageviews process (pid ${holder.pid}) is using the store ${path}`,
    );
    await expect(DuckDbStore.open(path, { readOnly: true })).rejects.toThrow(StoreLockedError);
  });
});
