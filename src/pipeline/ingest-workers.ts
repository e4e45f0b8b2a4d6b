import { Worker } from "node:worker_threads";
import { MalformedTally } from "../sources/malformed-tally.ts";
import type { RawZone } from "../store/raw-zone.ts";
import type { ShardSpec } from "../store/store.ts";
import type { IngestOptions, IngestProgress, IngestReport, IngestStore } from "./ingest.ts";

/**
 * `pageviews ingest --workers N` on one machine: N worker threads, each an ingest of the same inputs
 * as shard i of N (see shard.ts), which lands and processes only its actors' lines. The store stays
 * on this thread (DuckDB allows one instance per file): the workers call it through messages, and
 * its writes are serialised here. An hour is stored whole when its last share arrives.
 */

export interface IngestWorkersSetup {
  workers: number;
  dataDir: string;
  geoDatabase: string | undefined;
  secretKey: Buffer;
}

/** What a worker thread is started with. */
export interface IngestWorkerData {
  inputs: readonly string[];
  options: IngestOptions & { shard: ShardSpec };
  dataDir: string;
  geoDatabase: string | undefined;
  secretKey: Uint8Array;
}

/** The store methods an ingest calls, which a worker thread asks this thread to run. */
export const PROXIED_STORE_METHODS = [
  "hourStates",
  "hourPartStates",
  "actorMetrics",
  "replaceHour",
  "replaceHourPart",
  "refreshServing",
] as const satisfies readonly (keyof IngestStore)[];

export type StoreCall = {
  type: "store";
  id: number;
  method: (typeof PROXIED_STORE_METHODS)[number];
  args: unknown[];
};

export type FromIngestWorker =
  | StoreCall
  | { type: "progress"; progress: IngestProgress }
  | { type: "done"; report: IngestReport }
  | { type: "failed"; message: string };

export type ToIngestWorker = { type: "store"; id: number; result?: unknown; error?: string };

const BOOTSTRAP = new URL("./ingest-worker-bootstrap.mjs", import.meta.url);

export async function ingestWithWorkers(
  inputs: readonly string[],
  options: IngestOptions,
  setup: IngestWorkersSetup,
  context: { store: IngestStore; rawZone: RawZone; onProgress?: (progress: IngestProgress) => void },
): Promise<IngestReport> {
  const started = performance.now();
  const progressByShard: IngestProgress[] = [];
  let failure: { error: unknown } | undefined;
  const workers = Array.from({ length: setup.workers }, (_, index) => {
    const data: IngestWorkerData = {
      inputs,
      options: { ...options, shard: { index, count: setup.workers } },
      dataDir: setup.dataDir,
      geoDatabase: setup.geoDatabase,
      secretKey: new Uint8Array(setup.secretKey),
    };
    return new Worker(BOOTSTRAP, { workerData: data });
  });
  const runs = workers.map((worker, index) =>
    runWorker(worker, context.store, (progress) => {
      progressByShard[index] = progress;
      context.onProgress?.(combineProgress(progressByShard));
    }).catch((error: unknown) => {
      // One share missing leaves every hour incomplete: the others stop too (what they stored stays valid).
      failure ??= { error };
      for (const other of workers) other.terminate();
      throw error;
    }),
  );
  const settled = await Promise.allSettled(runs);
  if (failure) throw failure.error;
  const reports = settled.map((result) => (result as PromiseFulfilledResult<IngestReport>).value);
  return { ...combineReports(reports), seconds: (performance.now() - started) / 1000 };
}

/** Runs one worker to its end, answering its store calls; rejects if it fails or stops early. */
function runWorker(
  worker: Worker,
  store: IngestStore,
  onProgress: (progress: IngestProgress) => void,
): Promise<IngestReport> {
  return new Promise((resolve, reject) => {
    let report: IngestReport | undefined;
    worker.on("message", (message: FromIngestWorker) => {
      if (message.type === "progress") onProgress(message.progress);
      else if (message.type === "done") report = message.report;
      else if (message.type === "failed") reject(new Error(message.message));
      else answer(worker, store, message);
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (report !== undefined) resolve(report);
      else reject(new Error(`an ingest worker stopped before it finished (exit code ${code})`));
    });
  });
}

function answer(worker: Worker, store: IngestStore, call: StoreCall): void {
  if (!PROXIED_STORE_METHODS.includes(call.method)) {
    worker.postMessage({ type: "store", id: call.id, error: `not a store method: ${call.method}` });
    return;
  }
  const method = store[call.method] as (...args: unknown[]) => Promise<unknown>;
  method.apply(store, call.args).then(
    (result) => worker.postMessage({ type: "store", id: call.id, result } satisfies ToIngestWorker),
    (error: unknown) =>
      worker.postMessage({
        type: "store",
        id: call.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ToIngestWorker),
  );
}

/** Every worker reads every line: the lines read are any one's; the hours are everyone's. */
function combineProgress(progress: readonly IngestProgress[]): IngestProgress {
  const first = progress.find((entry) => entry !== undefined) as IngestProgress;
  const reading = progress.some((entry) => entry?.phase === "reading");
  return {
    phase: reading ? "reading" : "processing",
    linesRead: Math.min(...progress.map((entry) => entry?.linesRead ?? 0)),
    bytesRead: Math.min(...progress.map((entry) => entry?.bytesRead ?? 0)),
    bytesTotal: first.bytesTotal,
    hoursProcessed: sum(progress.map((entry) => entry?.hoursProcessed ?? 0)),
    hoursToProcess: sum(progress.map((entry) => entry?.hoursToProcess ?? 0)),
  };
}

/**
 * The run's report from the workers': each read every line (so lines and malformed lines are any
 * one's), and each counted its own actors' pageviews.
 */
export function combineReports(reports: readonly IngestReport[]): Omit<IngestReport, "seconds"> {
  const first = reports[0] as IngestReport;
  const malformed = new MalformedTally();
  for (const [reason, entry] of first.malformed.byReason) malformed.byReason.set(reason, entry);
  malformed.total = first.malformed.total;
  const pageviewsByAgent = new Map<string, number>();
  const automatedByReason = new Map<string, number>();
  for (const report of reports) {
    addCounts(pageviewsByAgent, report.pageviewsByAgent);
    addCounts(automatedByReason, report.automatedByReason);
  }
  return {
    linesRead: first.linesRead,
    bytesRead: first.bytesRead,
    malformed,
    linesOfOtherShards: 0,
    hoursUpdated: union(reports.map((report) => report.hoursUpdated)),
    hoursCompleted: union(reports.map((report) => report.hoursCompleted)),
    pageviewsByAgent,
    automatedByReason,
  };
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}
