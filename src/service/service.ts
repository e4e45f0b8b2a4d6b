import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance } from "fastify";
import { Freshness } from "../api/freshness.ts";
import { ingestRoute } from "../api/ingest-route.ts";
import { createApiServer } from "../api/server.ts";
import type { PageviewsConfig } from "../config/schema.ts";
import { AuditLog, auditLogPath } from "../pipeline/audit-log.ts";
import { LiveIngest } from "../pipeline/live-ingest.ts";
import { purge, purgeSucceeded } from "../pipeline/purge.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { type InputFormat, openSource, sourceFromStream } from "../sources/index.ts";
import { KafkaConsumer } from "../sources/kafka-consumer.ts";
import { batchHandler } from "../sources/kafka-source.ts";
import { DirectoryWatcher } from "../sources/watch-dir.ts";
import { lockDataDir } from "../store/lock.ts";
import { RawZone } from "../store/raw-zone.ts";
import { loadSecretKey } from "../store/secret-key.ts";
import type { Store } from "../store/store.ts";
import { ServiceMetrics } from "./metrics.ts";
import { openStore } from "./open-store.ts";
import { addOperationsRoutes } from "./operations-routes.ts";
import { msUntilNextDaily } from "./schedule.ts";

/**
 * `pageviews serve`: the whole system in one process. The API, plus continuous ingestion from a watched
 * directory, `POST /ingest`, stdin and Kafka, hour processing as hours close, the daily retention purge and
 * compaction, and the operations endpoints. It holds the data directory's write lock while it runs.
 */

export interface ServiceOptions extends PageviewsConfig {
  version: string;
  /** The time to start the clock at (it then runs on): for tests and replays. Default: the real time. */
  startTime?: Date;
}

export interface RunningService {
  app: FastifyInstance;
  /** The address the API listens on, e.g. `http://127.0.0.1:8080`. */
  address: string;
  /** Stops accepting, lands what was accepted, and closes everything. */
  stop(): Promise<void>;
  /** Resolves when stdin (with `ingest.stdin`) has been read to its end and landed. */
  stdinDone: Promise<void>;
}

const PROCESS_EVERY_MS = 1_000;

export async function startService(options: ServiceOptions): Promise<RunningService> {
  await mkdir(options.dataDir, { recursive: true });
  const lock = await lockDataDir(options.dataDir);
  const cleanup: (() => Promise<void>)[] = [() => lock.release()];
  const runCleanup = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    return await start(options, cleanup, runCleanup);
  } catch (error) {
    await runCleanup();
    throw error;
  }
}

async function start(
  options: ServiceOptions,
  cleanup: (() => Promise<void>)[],
  runCleanup: () => Promise<void>,
): Promise<RunningService> {
  const offset = options.startTime === undefined ? 0 : options.startTime.getTime() - Date.now();
  const clock = () => Date.now() + offset;
  const store = await openStore(options);
  cleanup.push(() => store.close());
  const rawZone = new RawZone(options.dataDir);
  const freshness = new Freshness(store);

  let live: LiveIngest | undefined;
  const metrics = new ServiceMetrics({
    lastCompleteHour: () => live?.lastCompleteHour() ?? null,
    lagSeconds: () => live?.lagSeconds() ?? null,
    rawZoneBytes: () => rawZoneBytes(rawZone),
  });
  const app = await createApiServer({
    store,
    version: options.version,
    freshness,
    rateLimit: options.server.rateLimit,
    responseCacheMiB: options.server.responseCacheMiB,
    topPerCountryThreshold: options.server.topPerCountryThreshold,
    trustProxy: options.server.trustProxy,
    logClientIp: options.server.logClientIp,
    logger: { level: options.server.logLevel },
    onAnswer: (answer) => metrics.answered(answer),
  });
  cleanup.push(() => app.close());
  const log = app.log;
  const observer = metrics.observer();
  live = await LiveIngest.start(
    {
      store,
      rawZone,
      refineDependencies: loadRefineDependencies({ geoDatabase: options.ingest.geoDb ?? undefined }),
      secretKey: await loadSecretKey(options.dataDir),
      observer: {
        ...observer,
        hourProcessed: (hour, seconds, outcome) => {
          observer.hourProcessed?.(hour, seconds, outcome);
          log.info({ hour, seconds: Number(seconds.toFixed(3)) }, "hour processed");
        },
        processingFailed: (hour, error) => {
          observer.processingFailed?.(hour, error);
          log.error({ hour, err: error }, "hour processing failed; it will be tried again");
        },
        dataChanged: () => freshness.invalidate(),
        landingFailed: (error) =>
          log.error({ err: error }, "landing lines failed; they are kept and tried again"),
      },
    },
    { graceMs: options.ingest.graceMinutes * 60_000, clock },
  );
  const liveIngest = live;
  cleanup.push(() => liveIngest.stop());

  metrics.addRoute(app);
  const kafka = options.kafka.brokers.length > 0 ? kafkaConsumer(options, liveIngest, metrics, log) : null;
  addOperationsRoutes(app, {
    store,
    lagSeconds: () => liveIngest.lagSeconds(),
    maxLagSeconds: options.readiness.maxLagMinutes * 60,
    kafkaState: kafka === null ? undefined : () => kafka.state(),
  });
  const inputHost = options.ingest.host ?? undefined;
  if (options.ingest.token !== null) {
    ingestRoute(app, {
      live: liveIngest,
      token: options.ingest.token,
      maxBodyBytes: options.ingest.maxBodyMiB * 2 ** 20,
      format: options.ingest.format,
      host: inputHost,
    });
  }

  // Hours are processed as they close; one run at a time (processDueHours waits for a running one).
  const processing = setInterval(() => {
    liveIngest
      .processDueHours()
      .catch((error: unknown) => log.error({ err: error }, "processing hours failed"));
  }, PROCESS_EVERY_MS);
  cleanup.push(async () => clearInterval(processing));

  const daily = scheduleDaily(options.retention.purgeAt, clock, async () => {
    try {
      await runPurge(options, new Date(clock()), rawZone, store, metrics, log);
      await store.compact();
    } catch (error) {
      metrics.purgeRuns.inc({ result: "failed" });
      log.error({ err: error }, "the daily purge and compaction failed");
    }
  });
  cleanup.push(async () => daily.cancel());

  let watcher: DirectoryWatcher | undefined;
  if (options.ingest.watch !== null) {
    const watched = new DirectoryWatcher({
      dir: options.ingest.watch,
      stateFile: join(options.dataDir, "watch-state.json"),
      include: options.ingest.watchInclude,
      exclude: options.ingest.watchExclude,
    });
    watcher = watched;
    const watching = followDirectory(watched, liveIngest, options.ingest.format, inputHost, log).catch(
      (error: unknown) => log.error({ err: error }, "watching the directory failed"),
    );
    cleanup.push(async () => {
      watched.stop();
      await watching;
    });
  }

  if (kafka !== null) {
    kafka.start();
    // Before the live ingestion's own stop (cleanup runs newest first): the batches in hand are landed
    // and their offsets committed, then what other sources left is landed.
    cleanup.push(() => kafka.stop());
  }

  let stdinDone: Promise<void> = Promise.resolve();
  if (options.ingest.stdin) {
    stdinDone = (async () => {
      const source = await openSource("-", { format: options.ingest.format, host: inputHost });
      const counts = await liveIngest.accept(source, inputHost);
      await landPatiently(liveIngest, log);
      log.info({ ...counts }, "standard input read to its end");
    })().catch((error: unknown) => log.error({ err: error }, "reading standard input failed"));
  }

  const address = await app.listen({ port: options.server.port, host: options.server.host });
  let stopping: Promise<void> | undefined;
  return {
    app,
    address,
    stdinDone,
    stop: () => {
      stopping ??= (async () => {
        // First no new requests (those in flight finish, their lines landed), then no new lines from
        // the directory; the cleanup steps then run newest first: sources, schedules, the flush of
        // what was accepted, and the store, closed last but for the lock.
        await app.close();
        watcher?.stop();
        await runCleanup();
      })();
      return stopping;
    },
  };
}

/** Lands each batch of new lines from the watched directory, then records that it was read. */
async function followDirectory(
  watcher: DirectoryWatcher,
  live: LiveIngest,
  format: InputFormat | "auto",
  host: string | undefined,
  log: FastifyInstance["log"],
): Promise<void> {
  for await (const batch of watcher.batches()) {
    for (const { lineNumber, reason } of batch.malformed)
      live.reportMalformed(reason, `${batch.file}:${lineNumber}`);
    const text = Buffer.from(`${batch.lines.join("\n")}\n`);
    const source = await sourceFromStream(batch.file, once(text), { format, host });
    await live.accept(source, host, batch.firstLineNumber - 1);
    await landPatiently(live, log);
    await watcher.commit(batch);
  }
}

/** The Kafka source over the live ingestion: each partition's batches landed, then committed. */
function kafkaConsumer(
  options: ServiceOptions,
  live: LiveIngest,
  metrics: ServiceMetrics,
  log: FastifyInstance["log"],
): KafkaConsumer {
  const kafkaMetrics = metrics.kafka();
  return new KafkaConsumer({
    config: options.kafka,
    log,
    connected: kafkaMetrics.connected,
    eachBatch: batchHandler({
      landing: live,
      retryLandingMs: RETRY_LANDING_MS,
      observer: {
        ...kafkaMetrics,
        landingFailed: (error) =>
          log.error({ err: error }, "landing Kafka messages failed; trying again, offsets not committed"),
      },
    }),
  });
}

const RETRY_LANDING_MS = 5_000;

/**
 * Lands what is queued, trying again every few seconds while it fails (a full disk): a source read
 * in order (a file, stdin) must not go past lines it could not keep.
 */
async function landPatiently(live: LiveIngest, log: FastifyInstance["log"]): Promise<void> {
  for (;;) {
    try {
      await live.flush();
      return;
    } catch (error) {
      log.error({ err: error }, "landing lines failed; trying again");
      await sleep(RETRY_LANDING_MS);
    }
  }
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function runPurge(
  options: ServiceOptions,
  now: Date,
  rawZone: RawZone,
  store: Store,
  metrics: ServiceMetrics,
  log: FastifyInstance["log"],
): Promise<void> {
  const audit = await AuditLog.open(auditLogPath(options.dataDir));
  try {
    const report = await purge(
      { raw: rawZone, actorData: store, audit },
      { now, retentionDays: options.retention.days },
    );
    const ok = purgeSucceeded(report);
    metrics.purgeRuns.inc({ result: ok ? "ok" : "failed" });
    log[ok ? "info" : "error"]({ hours: report.totals.hours, bytes: report.totals.bytes }, "retention purge");
  } finally {
    await audit.close();
  }
}

/** Bytes of every raw segment (for the metrics). */
async function rawZoneBytes(rawZone: RawZone): Promise<number> {
  let bytes = 0;
  for (const hour of await rawZone.hours()) {
    for (const segment of await rawZone.segments(hour)) bytes += segment.bytes;
  }
  return bytes;
}

/** Runs `job` every day at `at` (`HH:MM`, UTC, on the service's clock); it must handle its errors. */
function scheduleDaily(at: string, clock: () => number, job: () => Promise<void>): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const next = () => {
    if (cancelled) return;
    timer = setTimeout(
      () => {
        job().finally(next);
      },
      msUntilNextDaily(at, clock()),
    );
    timer.unref();
  };
  next();
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
