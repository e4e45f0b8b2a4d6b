import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatWebrequest, generateRequests } from "../src/generate/traffic.ts";
import { storePath } from "../src/store/data-dir.ts";
import {
  type ClickHouseCluster,
  clickHouseStoreFlags,
  clickHouseUnavailable,
  startClickHouseCluster,
} from "./support/clickhouse-cluster.ts";
import { pageviewsAmong, type ServeProcess, startServe } from "./support/serve-process.ts";

/**
 * `pageviews serve --store clickhouse` as a child process on a 2-shard cluster: lines posted to
 * /ingest are processed into ClickHouse (not into a DuckDB file) and served with exact counts.
 */

const TOKEN = "test-token";
const DATABASE = "pageviews_serve";
const HOUR = "2026011510";

const requests = [
  ...generateRequests({ seed: 11, start: new Date("2026-01-15T10:00:00Z"), hours: 2, lines: 3_000 }),
];
const ofHour = requests.filter((r) => r.dt < "2026-01-15T11:00:00Z");
// Lines past 11:10 close hour 10: the newest line moves the hours on.
const closing = requests.filter((r) => r.dt >= "2026-01-15T11:00:00Z" && r.dt < "2026-01-15T11:15:00Z");
const expectedViews = pageviewsAmong(ofHour);

const workDir = mkdtempSync(join(tmpdir(), "pageviews-serve-clickhouse-"));
const dataDir = join(workDir, "data");
let cluster: ClickHouseCluster | undefined;
let serve: ServeProcess | undefined;

/** Starts serve on the cluster. */
function start(cluster: ClickHouseCluster): Promise<ServeProcess> {
  return startServe([
    "--data-dir",
    dataDir,
    "--port",
    "0",
    ...clickHouseStoreFlags(cluster, DATABASE),
    "--ingest-token",
    TOKEN,
    "--now",
    "2026-01-15T10:20:00Z",
    "--rate-limit",
    "0",
    "--log-level",
    "warn",
  ]);
}

function post(lines: readonly string[]): Promise<Response> {
  return fetch(`${serve?.base}/ingest`, {
    method: "POST",
    body: lines.join("\n"),
    headers: { authorization: `Bearer ${TOKEN}` },
  });
}

/** The hour's views as the cluster itself sums them, through the Distributed table. */
async function clusterViews(url: string, hour: string): Promise<number> {
  const query = `SELECT sum(views) FROM ${DATABASE}.pageview_hourly WHERE hour = ${hour}`;
  const response = await fetch(`${url}/?query=${encodeURIComponent(query)}`);
  return Number((await response.text()).trim());
}

describe.skipIf(clickHouseUnavailable() !== null)("pageviews serve --store clickhouse", () => {
  beforeAll(async () => {
    cluster = await startClickHouseCluster(2);
    serve = await start(cluster);
  }, 60_000);

  afterAll(async () => {
    await serve?.stop();
    await cluster?.stop();
    rmSync(workDir, { recursive: true, force: true });
    // A server that does not stop within 10 s of SIGTERM is killed (clickhouse-cluster.ts).
  }, 30_000);

  it("serves a closed hour of posted lines with exact counts, stored in ClickHouse", async () => {
    const response = await post(ofHour.map(formatWebrequest));
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: ofHour.length, malformed: 0 });
    expect((await post(closing.map(formatWebrequest))).status).toBe(202);

    expect(expectedViews).toBeGreaterThan(0);
    expect(await serve?.hourViews(HOUR)).toBe(expectedViews);
    expect(await clusterViews(cluster?.shardUrls[1] ?? "", HOUR)).toBe(expectedViews);
    expect(existsSync(storePath(dataDir))).toBe(false);
  }, 45_000);
});
