import { mkdir } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../config/load.ts";
import { AuditLog, auditLogPath } from "../pipeline/audit-log.ts";
import { type IngestProgress, type IngestReport, ingest } from "../pipeline/ingest.ts";
import { ingestWithWorkers } from "../pipeline/ingest-workers.ts";
import { type PurgeReport, purge, purgeSucceeded } from "../pipeline/purge.ts";
import { formatShardSpec, MAX_SHARDS, parseShardSpec } from "../pipeline/shard.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { formatCounts } from "../refine/summary.ts";
import { openStore } from "../service/open-store.ts";
import { lockDataDir } from "../store/lock.ts";
import { RawZone } from "../store/raw-zone.ts";
import { loadSecretKey } from "../store/secret-key.ts";
import type { ShardSpec, Store } from "../store/store.ts";
import { addConfigOption } from "./config.ts";
import { INGEST_HEAP_GROWING_PERCENT, limitHeapGrowth } from "./heap-growth.ts";
import { progressDisplay } from "./progress.ts";
import { addInputOptions, type InputOptions } from "./refine.ts";
import { addStoreOptions, type StoreFlags, storeFlagsOf } from "./store-options.ts";

export function ingestCommand(): Command {
  return addStoreOptions(addConfigOption(addInputOptions(new Command("ingest"))))
    .description(
      "Land raw logs, refine them, label automated agents, and update the hourly pageviews and serving tables",
    )
    .option("--data-dir <dir>", "data directory (default: ./data)")
    .option("--wait", "wait for another process writing to the data directory instead of refusing")
    .option(
      "--workers <n>",
      "split the work between this many worker threads, each taking a share of the actors (default: 1)",
      positiveInteger,
    )
    .action(async (inputs: string[], options: IngestFlags & { workers?: number }) => {
      await runIngest(inputs, options, { workers: options.workers ?? 1 });
    });
}

/**
 * `pageviews worker --shard i/N`: one of N ingest processes, on as many machines, that share a store
 * (ClickHouse). Each reads all the input, and lands and processes its own actors' lines.
 */
export function workerCommand(): Command {
  return addStoreOptions(addConfigOption(addInputOptions(new Command("worker"))))
    .description(
      "Ingest as one of N workers (one per machine) writing to one ClickHouse store: each reads all the " +
        "input and takes the lines of its share of the actors; an hour is stored once every worker has done its share",
    )
    .requiredOption(
      "--shard <i/N>",
      "this worker's number i (0 to N-1) and the number of workers N",
      shardSpec,
    )
    .option("--data-dir <dir>", "this worker's data directory (raw zone, key) (default: ./data)")
    .option("--wait", "wait for another process writing to the data directory instead of refusing")
    .action(async (inputs: string[], options: IngestFlags & { shard: ShardSpec }) => {
      await runIngest(inputs, options, { shard: options.shard });
    });
}

type IngestFlags = InputOptions & StoreFlags & { dataDir?: string; wait?: boolean; config?: string };

async function runIngest(
  inputs: string[],
  flags: IngestFlags,
  how: { workers?: number; shard?: ShardSpec },
): Promise<void> {
  limitHeapGrowth(INGEST_HEAP_GROWING_PERCENT);
  const config = loadConfig({
    file: flags.config,
    env: process.env,
    flags: { dataDir: flags.dataDir, ...storeFlagsOf(flags) },
  });
  if (how.shard !== undefined && config.store.kind !== "clickhouse") {
    throw new Error(
      "pageviews worker writes to a store that the other workers write to at the same time: configure a " +
        "ClickHouse store (--store clickhouse ..., see docs/scaling.md). On one machine, use " +
        "pageviews ingest --workers N.",
    );
  }
  const { dataDir } = config;
  await mkdir(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir, { wait: flags.wait });
  const display = progressDisplay();
  let store: Store | undefined;
  try {
    store = await openStore(config);
    const options = { format: flags.format, host: flags.host, shard: how.shard };
    const secretKey = await loadSecretKey(dataDir);
    const rawZone = new RawZone(dataDir);
    await rawZone.removeInterruptedLandings();
    const onProgress = (progress: IngestProgress) => display.update(() => describeProgress(progress));
    const workers = how.workers ?? 1;
    const report =
      workers > 1
        ? await ingestWithWorkers(
            inputs,
            options,
            { workers, dataDir, geoDatabase: flags.geoDb, secretKey },
            { store, rawZone, onProgress },
          )
        : await ingest(inputs, options, {
            store,
            rawZone,
            refineDependencies: loadRefineDependencies({ geoDatabase: flags.geoDb }),
            secretKey,
            onProgress,
          });
    display.stop();
    process.stderr.write(formatIngestReport(report, how.shard));
    if (how.shard !== undefined) await purgeWorkerRawZone(dataDir, config.retention.days);
  } finally {
    display.stop();
    await store?.close();
    await lock.release();
  }
}

/**
 * A worker machine runs no `serve`, whose daily purge deletes raw data past the retention: each worker
 * run does it for its own raw zone, with its audit entry. Actor metrics and shares are in the shared
 * store, which the serving process's daily purge deletes.
 */
async function purgeWorkerRawZone(dataDir: string, retentionDays: number): Promise<void> {
  const audit = await AuditLog.open(auditLogPath(dataDir));
  let report: PurgeReport;
  try {
    const actorData = { deleteActorDataBefore: async () => 0 };
    report = await purge({ raw: new RawZone(dataDir), actorData, audit }, { now: new Date(), retentionDays });
  } finally {
    await audit.close();
  }
  const { hours, bytes } = report.totals;
  process.stderr.write(
    `retention: raw hours older than ${retentionDays} days deleted: ${hours} (${bytes} bytes; audit: ${audit.path})\n`,
  );
  if (!purgeSucceeded(report)) {
    process.stderr.write(
      `retention: ${report.notDeleted.length} hours could not be deleted (see the audit)\n`,
    );
    process.exitCode = 1;
  }
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > MAX_SHARDS) {
    throw new InvalidArgumentError(`A whole number from 1 to ${MAX_SHARDS}.`);
  }
  return number;
}

function shardSpec(value: string): ShardSpec {
  try {
    return parseShardSpec(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function describeProgress(progress: IngestProgress): [number | null, string] {
  if (progress.phase === "processing") {
    return [
      progress.hoursToProcess === 0 ? 1 : progress.hoursProcessed / progress.hoursToProcess,
      `processing hours: ${progress.hoursProcessed}/${progress.hoursToProcess}`,
    ];
  }
  const mib = (progress.bytesRead / 2 ** 20).toFixed(1);
  return [
    progress.bytesTotal ? progress.bytesRead / progress.bytesTotal : null,
    `reading: ${progress.linesRead.toLocaleString("en-US")} lines, ${mib} MiB`,
  ];
}

export function formatIngestReport(report: IngestReport, shard?: ShardSpec): string {
  const rate = report.seconds > 0 ? Math.round(report.linesRead / report.seconds) : 0;
  const lines = [
    `lines read: ${report.linesRead}  (${rate.toLocaleString("en-US")} lines/s, ${report.seconds.toFixed(2)} s)`,
    ...(shard === undefined
      ? []
      : [`shard ${formatShardSpec(shard)}: lines of other shards' actors: ${report.linesOfOtherShards}`]),
    `malformed lines: ${report.malformed.total}`,
    ...report.malformed.formatLines(),
    `pageviews by agent type:${formatCounts(report.pageviewsByAgent, " none")}`,
    `automated pageviews by reason:${formatCounts(report.automatedByReason, " none")}`,
    `hours updated: ${report.hoursUpdated.length}${formatHours(report.hoursUpdated)}`,
    ...(shard === undefined
      ? []
      : [
          `hours completed (every shard's share stored): ${report.hoursCompleted.length}${formatHours(report.hoursCompleted)}`,
        ]),
    `peak memory (RSS): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  ];
  return `${lines.join("\n")}\n`;
}

function formatHours(hours: readonly string[]): string {
  if (hours.length === 0) return "";
  const first = hours[0] as string;
  const last = hours[hours.length - 1] as string;
  return hours.length === 1 ? ` (${first})` : ` (${first} … ${last})`;
}
