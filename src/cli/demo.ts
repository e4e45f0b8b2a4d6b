import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_CONFIG } from "../config/schema.ts";
import { writeLiveTraffic } from "../generate/live.ts";
import { writeTraffic } from "../generate/traffic.ts";
import { ingest } from "../pipeline/ingest.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { startService } from "../service/service.ts";
import { storePath } from "../store/data-dir.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { lockDataDir } from "../store/lock.ts";
import { RawZone } from "../store/raw-zone.ts";
import { loadSecretKey } from "../store/secret-key.ts";
import { describeProgress } from "./ingest.ts";
import { progressDisplay } from "./progress.ts";
import { stopOnSignals } from "./serve.ts";
import { version } from "./version.ts";

interface DemoOptions {
  dataDir: string;
  port: number;
  days: number;
  lines: number;
  rate: number;
}

/** What `npm start` runs: the whole system on generated traffic, back-filled and then live. */
export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "Run the whole system on generated traffic: back-fill a few days, then generate live traffic into a " +
        "watched directory, and serve the API and dashboard",
    )
    .option("--data-dir <dir>", "the demo's data directory (kept between runs)", "./demo-data")
    .option("--port <n>", "TCP port of the API and dashboard (0: any free port)", port, 8080)
    .option("--days <n>", "days of traffic to back-fill on the first run", positive, 3)
    .option("--lines <n>", "lines of back-filled traffic", positive, 400_000)
    .option("--rate <requests-per-second>", "average rate of the live traffic", positive, 20)
    .action(async (options: DemoOptions) => {
      await runDemo(options);
    });
}

async function runDemo(options: DemoOptions): Promise<void> {
  await mkdir(options.dataDir, { recursive: true });
  if (!(await hasData(options.dataDir))) await backfill(options);
  else process.stderr.write(`Reusing the demo data in ${options.dataDir} (delete it to start afresh).\n`);

  const incoming = join(options.dataDir, "incoming");
  const token = randomBytes(12).toString("hex");
  const defaults = structuredClone(DEFAULT_CONFIG);
  const service = await startService({
    ...defaults,
    dataDir: options.dataDir,
    version,
    server: { ...defaults.server, port: options.port, logLevel: "warn" },
    ingest: { ...defaults.ingest, watch: incoming, token },
  });
  const generating = new AbortController();
  const live = writeLiveTraffic({
    dir: incoming,
    seed: Date.now() % 1_000_000,
    rate: options.rate,
    signal: generating.signal,
  });
  const base = service.address.replace("127.0.0.1", "localhost");
  const api = `${base}/api/rest_v1/metrics/pageviews`;
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10).split("-");
  process.stdout.write(
    [
      "",
      `Pageviews is running on ${base} with generated traffic (${options.rate} requests/s, live).`,
      "",
      `  Dashboard        ${base}/`,
      `  API docs         ${base}/api/rest_v1/?doc`,
      `  Top articles     ${api}/top/en.wikipedia/all-access/${yesterday.join("/")}`,
      `  All projects     ${api}/aggregate/all-projects/all-access/user/hourly/${yesterday.join("")}00/${yesterday.join("")}23`,
      `  Availability     ${api}/availability`,
      `  Metrics          ${base}/metrics`,
      `  Send lines       curl -H 'authorization: Bearer ${token}' --data-binary @access.log ${base}/ingest`,
      "",
      "Each hour is processed ten minutes after it ends. Ctrl-C stops; the next `npm start` goes on with the same data.",
      "",
    ].join("\n"),
  );
  await stopOnSignals(async () => {
    generating.abort();
    await live;
    await service.stop();
  });
}

async function hasData(dataDir: string): Promise<boolean> {
  if (!existsSync(storePath(dataDir))) return false;
  const store = await DuckDbStore.open(storePath(dataDir), { readOnly: true });
  try {
    return (await store.availability()).lastCompleteHour !== null;
  } finally {
    await store.close();
  }
}

/** Generates `days` of traffic up to the current hour and ingests it, with a progress bar. */
async function backfill(options: DemoOptions): Promise<void> {
  const start = new Date();
  start.setUTCMinutes(0, 0, 0);
  start.setUTCHours(start.getUTCHours() - options.days * 24);
  const file = join(options.dataDir, "backfill.json.gz");
  process.stderr.write(
    `Generating ${options.days} days of traffic (${options.lines.toLocaleString("en-US")} lines)…\n`,
  );
  const out = createWriteStream(file);
  await writeTraffic(
    { seed: 1, start, hours: options.days * 24, lines: options.lines, format: "webrequest", gzip: true },
    out,
  );
  out.end();
  await finished(out);

  process.stderr.write("Ingesting it…\n");
  const lock = await lockDataDir(options.dataDir);
  const store = await DuckDbStore.open(storePath(options.dataDir));
  const display = progressDisplay();
  try {
    const report = await ingest(
      [file],
      { format: "webrequest" },
      {
        store,
        rawZone: new RawZone(options.dataDir),
        refineDependencies: loadRefineDependencies(),
        secretKey: await loadSecretKey(options.dataDir),
        onProgress: (progress) => display.update(() => describeProgress(progress)),
      },
    );
    display.stop();
    process.stderr.write(
      `Back-filled ${report.hoursUpdated.length} hours from ${report.linesRead.toLocaleString("en-US")} lines ` +
        `in ${report.seconds.toFixed(0)} s.\n`,
    );
  } finally {
    display.stop();
    await store.close();
    await lock.release();
    await rm(file, { force: true });
  }
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("Not a TCP port.");
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("Not a positive whole number.");
  return n;
}
