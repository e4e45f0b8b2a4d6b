/**
 * End-to-end ingest of generated traffic (2 M lines over 24 hours) into an empty data directory:
 * lines/s beside the same run's `zcat | wc -l`, CPU time, peak RSS, bytes on disk per million
 * pageviews (raw zone and aggregates apart), and the time to re-process one hour. Also the floor under
 * it: the steps every line must go through, alone (bench/support/ingest-floor.ts).
 *
 *   npm run bench:ingest [-- --lines N]
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { writeTraffic } from "../src/generate/traffic.ts";
import { storePath } from "../src/store/data-dir.ts";

const { values } = parseArgs({ options: { lines: { type: "string", default: "2000000" } } });
const lines = Number(values.lines);
const outDir = fileURLToPath(new URL("./.out/", import.meta.url));
const input = `${outDir}ingest-${lines}.json.gz`;
const lateInput = `${outDir}ingest-late.json.gz`;
const dataDir = `${outDir}ingest-data`;
const pageviews = fileURLToPath(new URL("../bin/pageviews", import.meta.url));
const start = new Date("2026-01-15T00:00:00Z");

mkdirSync(outDir, { recursive: true });
if (!existsSync(input)) {
  const out = createWriteStream(input);
  await writeTraffic({ seed: 42, start, hours: 24, lines, format: "webrequest", gzip: true }, out);
  await new Promise((resolve) => out.end(resolve));
}
// A few late lines for one hour in the middle of the day, to time the re-processing of an hour.
{
  const out = createWriteStream(lateInput);
  await writeTraffic(
    {
      seed: 43,
      start: new Date("2026-01-15T12:00:00Z"),
      hours: 1,
      lines: 100,
      format: "webrequest",
      gzip: true,
    },
    out,
  );
  await new Promise((resolve) => out.end(resolve));
}

function timed(command: string): { seconds: number; stderr: string; stdout: string; cpuSeconds: number } {
  const started = performance.now();
  // `times` prints the shell's user and system time, then its children's: the command's processes.
  const result = spawnSync("bash", ["-c", `${command}; status=$?; times >&2; exit $status`], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`${command} failed:\n${result.stderr}`);
  const output = result.stderr.trimEnd().split("\n");
  const times = output.splice(-2).at(-1) ?? "";
  const [user, system] = [...times.matchAll(/(\d+)m([\d.]+)s/g)].map(
    (match) => Number(match[1]) * 60 + Number(match[2]),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    stdout: result.stdout,
    stderr: `${output.join("\n")}\n`,
    cpuSeconds: (user ?? 0) + (system ?? 0),
  };
}

/** pageview_hourly's rows and the bytes of the blocks its columns use (a block may hold other data too). */
async function pageviewHourlySize(path: string): Promise<{ rows: number; bytesPerRow: number }> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    const [rows, blocks, blockSize] = (
      await connection.runAndReadAll(
        `SELECT (SELECT count(*) FROM pageview_hourly), count(DISTINCT block_id),
           (SELECT block_size FROM pragma_database_size())
         FROM pragma_storage_info('pageview_hourly') WHERE persistent`,
      )
    )
      .getRows()[0]
      ?.map(Number) ?? [0, 0, 0];
    return { rows: rows ?? 0, bytesPerRow: ((blocks ?? 0) * (blockSize ?? 0)) / (rows || 1) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function duSize(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((total, name) => total + duSize(join(path, name)), 0);
}

rmSync(dataDir, { recursive: true, force: true });
const baseline = timed(`zcat '${input}' | wc -l`);
const counted = Number(baseline.stdout.trim());
const run = timed(`'${pageviews}' ingest --data-dir '${dataDir}' '${input}'`);
const late = timed(`'${pageviews}' ingest --data-dir '${dataDir}' '${lateInput}'`);
const floorDir = `${outDir}ingest-floor-data`;
rmSync(floorDir, { recursive: true, force: true });
const floor = timed(
  `'${process.execPath}' --import tsx '${fileURLToPath(new URL("./support/ingest-floor.ts", import.meta.url))}' '${input}' '${floorDir}'`,
);
rmSync(floorDir, { recursive: true, force: true });

const pageviewsIngested = [...run.stderr.matchAll(/^ {2}(user|spider|automated): (\d+)$/gm)]
  .filter((match) => run.stderr.indexOf(match[0]) > run.stderr.indexOf("pageviews by agent type"))
  .reduce((total, match) => total + Number(match[2]), 0);
const peak = /peak memory \(RSS\): (\d+) MiB/.exec(run.stderr)?.[1];
const hoursReprocessed = /hours updated: (\d+)/.exec(late.stderr)?.[1];
const rawBytes = duSize(join(dataDir, "raw"));
const storeBytes = duSize(join(dataDir, "pageviews.duckdb")) + duSize(join(dataDir, "pageviews.duckdb.wal"));
const indexBytes = duSize(join(dataDir, "pageviews.duckdb.articles"));
const hourly = await pageviewHourlySize(storePath(dataDir));
const perMillion = (bytes: number) => ((bytes / pageviewsIngested) * 1e6) / 2 ** 20;
const rate = (seconds: number) => Math.round(counted / seconds);

console.log(
  `input: ${counted.toLocaleString()} lines, 24 hours (${(statSync(input).size / 2 ** 20).toFixed(1)} MiB gzip)`,
);
console.log(
  `zcat | wc -l            ${baseline.seconds.toFixed(2)} s  ${rate(baseline.seconds).toLocaleString()} lines/s`,
);
console.log(
  `pageviews ingest        ${run.seconds.toFixed(2)} s  ${rate(run.seconds).toLocaleString()} lines/s`,
);
console.log(`ratio ingest / zcat     ${(baseline.seconds / run.seconds).toFixed(3)}`);
console.log(`target ≥ 100,000 lines/s → ${rate(run.seconds) >= 100_000 ? "met" : "NOT met"}`);
const microsPerLine = (cpuSeconds: number) => ((cpuSeconds / counted) * 1e6).toFixed(1);
console.log(
  `ingest CPU              ${run.cpuSeconds.toFixed(1)} s: ${(run.cpuSeconds / run.seconds).toFixed(2)} cores on average, ${microsPerLine(run.cpuSeconds)} µs a line (100,000 lines/s on ${availableParallelism()} cores allows ${((availableParallelism() / 100_000) * 1e6).toFixed(0)} µs)`,
);
console.log(
  `floor (read, parse, SHA-1, land; nothing else) ${floor.seconds.toFixed(2)} s  ${rate(floor.seconds).toLocaleString()} lines/s, ${microsPerLine(floor.cpuSeconds)} µs of CPU a line`,
);
console.log(`peak RSS                ${peak} MiB`);
console.log(`pageviews ingested      ${pageviewsIngested.toLocaleString()}`);
console.log(
  `raw zone                ${(rawBytes / 2 ** 20).toFixed(1)} MiB (${perMillion(rawBytes).toFixed(1)} MiB per million pageviews)`,
);
console.log(
  `store (aggregates)      ${(storeBytes / 2 ** 20).toFixed(1)} MiB (${perMillion(storeBytes).toFixed(1)} MiB per million pageviews)`,
);
console.log(
  `per-article index       ${(indexBytes / 2 ** 20).toFixed(1)} MiB (${perMillion(indexBytes).toFixed(1)} MiB per million pageviews)`,
);
console.log(
  `late lines for one hour ${late.seconds.toFixed(2)} s, ${hoursReprocessed} hour${hoursReprocessed === "1" ? "" : "s"} re-processed (the hour, and the later hours whose actors or IPs its new lines changed)`,
);
console.log(
  `pageview_hourly         ${hourly.rows.toLocaleString()} rows, ${hourly.bytesPerRow.toFixed(1)} bytes per row (target < 20) → ${hourly.bytesPerRow < 20 ? "met" : "NOT met"}`,
);
console.log(run.stderr.split("\n").slice(-14).join("\n"));
