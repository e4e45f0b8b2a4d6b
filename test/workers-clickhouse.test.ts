import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatWebrequest, generateRequests } from "../src/generate/traffic.ts";
import { ClickHouseStore } from "../src/store/clickhouse-store.ts";
import { storePath } from "../src/store/data-dir.ts";
import { DuckDbStore } from "../src/store/duckdb-store.ts";
import type { Store } from "../src/store/store.ts";
import {
  type ClickHouseCluster,
  clickHouseStoreFlags,
  clickHouseUnavailable,
  startClickHouseCluster,
} from "./support/clickhouse-cluster.ts";
import { runPageviews, startPageviews } from "./support/pageviews-cli.ts";

/**
 * `pageviews worker --shard i/N`, the many-machine form of parallel ingest: two worker processes,
 * each with its own data directory, share a 2-shard ClickHouse store. One is killed mid-run and
 * started again; the store then holds exactly what one `pageviews ingest` into DuckDB holds.
 */

const DATABASE = "pageviews_workers";
const HOURS = ["2026011508", "2026011509", "2026011510", "2026011511"];
const workDir = mkdtempSync(join(tmpdir(), "pageviews-workers-"));
const input = join(workDir, "traffic.json.gz");
let cluster: ClickHouseCluster | undefined;

function workerArgs(shard: string): string[] {
  if (cluster === undefined) throw new Error("no cluster");
  return [
    "worker",
    "--shard",
    shard,
    "--data-dir",
    join(workDir, `worker-${shard[0]}`),
    ...clickHouseStoreFlags(cluster, DATABASE),
  ];
}

/** What the API reads: each hour's total, the hourly series of every agent, and the top of the day. */
async function readsOf(store: Store) {
  const states = await store.hourStates();
  const series = [];
  for (const agent of ["user", "spider", "automated"] as const) {
    series.push(
      await store.aggregate({
        project: "all-projects",
        access: "all-access",
        agent,
        granularity: "hourly",
        from: HOURS[0] as string,
        to: HOURS[3] as string,
      }),
    );
  }
  return {
    hours: [...states.values()].map((state) => [state.hour, state.pageviews]),
    series,
    top: await store.top({ project: "en.wikipedia", access: "all-access", day: "20260115" }),
    countries: await store.topByCountry({ project: "all-projects", access: "all-access", month: "202601" }),
  };
}

describe.skipIf(clickHouseUnavailable() !== null)("pageviews worker --shard i/N on ClickHouse", () => {
  beforeAll(async () => {
    const lines = [
      ...generateRequests({ seed: 5, start: new Date("2026-01-15T08:00:00Z"), hours: 4, lines: 24_000 }),
    ];
    writeFileSync(input, gzipSync(lines.map((r) => `${formatWebrequest(r)}\n`).join("")));
    cluster = await startClickHouseCluster(2);
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  it("refuses to run on the embedded store, which one process at a time can write", () => {
    const result = runPageviews(["worker", "--shard", "0/2", "--data-dir", join(workDir, "duckdb"), input]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/ClickHouse.*ingest --workers N/s);
  });

  it("stores exactly what one process stores, after one worker was killed mid-run and restarted", async () => {
    const referenceDir = join(workDir, "reference");
    const single = runPageviews(["ingest", "--data-dir", referenceDir, input]);
    expect(single.status, single.stderr).toBe(0);
    const duckdb = await DuckDbStore.open(storePath(referenceDir), { readOnly: true });
    const expected = await readsOf(duckdb);
    await duckdb.close();

    // Worker 1 is killed once it has landed its first hour, long before it has read the last one.
    const killed = startPageviews([...workerArgs("1/2"), input]);
    const killedExit = new Promise((resolve) => killed.on("exit", resolve));
    const rawDir = join(workDir, "worker-1", "raw");
    for (let waited = 0; !(existsSync(rawDir) && readdirSync(rawDir).length > 0); waited += 50) {
      if (waited > 60_000) throw new Error("worker 1 landed nothing");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    killed.kill("SIGKILL");
    await killedExit;
    const first = runPageviews([...workerArgs("0/2"), input]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^shard 0\/2: lines of other shards' actors: [1-9]/m);
    // A worker machine runs no serve: the worker purges its raw zone (January is past 90 days), audited.
    expect(first.stderr).toMatch(/^retention: raw hours older than 90 days deleted: 4 /m);
    expect(readdirSync(join(workDir, "worker-0", "raw"))).toEqual([]);
    const audit = runPageviews(["purge", "--audit", "--data-dir", join(workDir, "worker-0")]);
    expect(audit.stdout).toMatch(/ ok +90 d .* 4 /);

    const { shardUrls, cluster: name } = cluster as ClickHouseCluster;
    const open = () =>
      ClickHouseStore.open({ url: shardUrls[0] ?? "", shardUrls, database: DATABASE, cluster: name });
    const partial = await open();
    // The last hour waits for worker 1's share: not stored, not served.
    expect((await partial.hourStates()).has(HOURS[3] as string)).toBe(false);
    await partial.close();

    const restarted = runPageviews([...workerArgs("1/2"), input]);
    expect(restarted.status, restarted.stderr).toBe(0);
    expect(restarted.stderr).toMatch(/^hours completed \(every shard's share stored\): [1-4] /m);
    const store = await open();
    expect(await readsOf(store)).toEqual(expected);
    await store.close();
  }, 240_000);
});
