/**
 * Scale-out, same data and same run for every figure:
 *  - ingest lines/s of generated traffic (24 hours) with 1 and 2 worker threads (`ingest --workers N`)
 *    into DuckDB and into a 2-shard ClickHouse cluster (started here, as the tests start it), and with
 *    two `pageviews worker --shard i/2` processes (the many-machine form) into ClickHouse; each beside
 *    the same run's `zcat | wc -l`;
 *  - the API's per-article daily reads over the whole range on each store: requests/s, p50 and p99.
 *
 *   npm run bench:scale [-- --lines 1000000 --duration 10 --connections 10]
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { writeTraffic } from "../src/generate/traffic.ts";
import { storePath } from "../src/store/data-dir.ts";
import { DuckDbStore } from "../src/store/duckdb-store.ts";
import { clickHouseStoreFlags, startClickHouseCluster } from "../test/support/clickhouse-cluster.ts";

const { values } = parseArgs({
  options: {
    lines: { type: "string", default: "1000000" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "10" },
  },
});
const lines = Number(values.lines);
const outDir = fileURLToPath(new URL("./.out/", import.meta.url));
const input = `${outDir}scale-${lines}.json.gz`;
const workDir = `${outDir}scale/`;
const bin = fileURLToPath(new URL("../bin/pageviews", import.meta.url));

mkdirSync(outDir, { recursive: true });
if (!existsSync(input)) {
  const out = createWriteStream(input);
  const start = new Date("2026-01-15T00:00:00Z");
  await writeTraffic({ seed: 42, start, hours: 24, lines, format: "webrequest", gzip: true }, out);
  await new Promise((resolve) => out.end(resolve));
}
rmSync(workDir, { recursive: true, force: true });

function seconds(run: () => void): number {
  const started = performance.now();
  run();
  return (performance.now() - started) / 1000;
}

function run(args: readonly string[]): void {
  const result = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`pageviews ${args.join(" ")} failed:\n${result.stderr}`);
}

/** Runs several `pageviews` processes at once, as several machines would. */
async function runTogether(argsList: readonly (readonly string[])[]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    argsList.map(
      (args) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          child.stderr.on("data", (chunk) => {
            stderr += chunk;
          });
          child.on("exit", (code) =>
            code === 0 ? resolve() : reject(new Error(`pageviews ${args.join(" ")}:\n${stderr}`)),
          );
        }),
    ),
  );
  return (performance.now() - started) / 1000;
}

/** Starts `pageviews serve` and resolves with its base URL once it listens. */
function serve(args: readonly string[]): Promise<[ChildProcess, string]> {
  // No response cache: the reads measured are the store's.
  const flags = ["--port", "0", "--rate-limit", "0", "--response-cache", "0", "--log-level", "silent"];
  const child = spawn(bin, ["serve", ...flags, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        const match = /Pageview API: (http:\/\/[^/]+)\//.exec(line);
        if (match?.[1] !== undefined) resolve([child, match[1]]);
      });
    }
    child.once("exit", (code) => reject(new Error(`pageviews serve exited with ${code}`)));
  });
}

/** Per-article daily over the whole day range, for articles drawn from the day's top list. */
async function perArticle(base: string, articles: readonly string[]) {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections: Number(values.connections),
    duration: Number(values.duration),
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          const article = encodeURIComponent(articles[next++ % articles.length] as string);
          return {
            ...request,
            path: `/api/rest_v1/metrics/pageviews/per-article/en.wikipedia/all-access/all-agents/${article}/daily/20260101/20260131`,
          };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

const baseline = seconds(() => spawnSync("bash", ["-c", `zcat '${input}' | wc -l`]));
const rate = (s: number) => Math.round(lines / s);
const ingests: { name: string; seconds: number }[] = [];
const duckDirs: string[] = [];
for (const workers of [1, 2]) {
  const dataDir = `${workDir}duckdb-${workers}`;
  duckDirs.push(dataDir);
  ingests.push({
    name: `DuckDB, ingest --workers ${workers}`,
    seconds: seconds(() => run(["ingest", "--data-dir", dataDir, "--workers", String(workers), input])),
  });
}

const cluster = await startClickHouseCluster(2);
try {
  for (const workers of [1, 2]) {
    const flags = clickHouseStoreFlags(cluster, `scale_threads_${workers}`);
    ingests.push({
      name: `ClickHouse 2 shards, ingest --workers ${workers}`,
      seconds: seconds(() =>
        run([
          "ingest",
          "--data-dir",
          `${workDir}ch-${workers}`,
          "--workers",
          String(workers),
          ...flags,
          input,
        ]),
      ),
    });
  }
  const flags = clickHouseStoreFlags(cluster, "scale_processes");
  ingests.push({
    name: "ClickHouse 2 shards, 2 × worker --shard i/2",
    seconds: await runTogether(
      [0, 1].map((index) => [
        "worker",
        "--shard",
        `${index}/2`,
        "--data-dir",
        `${workDir}worker-${index}`,
        ...flags,
        input,
      ]),
    ),
  });

  console.log(`input: ${lines.toLocaleString()} lines over 24 hours`);
  console.log(`zcat | wc -l${" ".repeat(38)}${rate(baseline).toLocaleString().padStart(10)} lines/s`);
  for (const { name, seconds: s } of ingests) {
    console.log(
      `${name.padEnd(50)}${rate(s).toLocaleString().padStart(10)} lines/s  ratio to zcat ${(baseline / s).toFixed(3)}`,
    );
  }

  // Bytes per pageview_hourly row on ClickHouse (LZ4, the default), summed over the shards.
  let bytes = 0;
  let rows = 0;
  for (const url of cluster.shardUrls) {
    const query = `SELECT sum(bytes_on_disk), sum(rows) FROM system.parts
      WHERE database = 'scale_processes' AND table = 'pageview_hourly_local' AND active FORMAT TSV`;
    const [shardBytes, shardRows] = (await (await fetch(`${url}/?query=${encodeURIComponent(query)}`)).text())
      .trim()
      .split("\t")
      .map(Number);
    bytes += shardBytes ?? 0;
    rows += shardRows ?? 0;
  }
  console.log(
    `ClickHouse pageview_hourly: ${rows.toLocaleString()} rows, ${(bytes / rows).toFixed(1)} bytes per row`,
  );

  // The API on both stores, over the same data: DuckDB from the single-thread run, ClickHouse from the
  // two processes.
  const reference = await DuckDbStore.open(storePath(duckDirs[0] as string), { readOnly: true });
  const top = await reference.top({ project: "en.wikipedia", access: "all-access", day: "20260115" });
  await reference.close();
  const articles = top.map((entry) => entry.article);
  for (const [name, args] of [
    ["DuckDB", ["--data-dir", duckDirs[0] as string]],
    ["ClickHouse 2 shards", ["--data-dir", `${workDir}serve-ch`, ...flags]],
  ] as const) {
    const [child, base] = await serve(args);
    try {
      const figures = await perArticle(base, articles);
      console.log(
        `API per-article on ${name.padEnd(20)} ${Math.round(figures.requestsPerSecond).toLocaleString().padStart(7)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  (${figures.failed} not 200)`,
      );
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }
} finally {
  await cluster.stop();
}
