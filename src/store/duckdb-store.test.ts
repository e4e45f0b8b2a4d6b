import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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

  it("refuses a store written with a newer schema", async () => {
    await (await DuckDbStore.open(path)).close();
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run("UPDATE schema_version SET version = 99");
    connection.closeSync();
    instance.closeSync();

    await expect(DuckDbStore.open(path)).rejects.toThrow(/schema version 99, written by a newer pageviews/);
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
