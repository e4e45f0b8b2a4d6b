import { createHmac } from "node:crypto";
import { currentDefinition } from "../definition/index.ts";
import { addHours, dayOf, hourOf } from "../hours.ts";
import type { RefineDependencies } from "../refine/refine.ts";
import { type InputFormat, openSource, type SourceOptions } from "../sources/index.ts";
import { MalformedTally } from "../sources/malformed-tally.ts";
import type { RawSegment, RawZone } from "../store/raw-zone.ts";
import type { Store } from "../store/store.ts";
import { ROLLUP_WINDOW_HOURS } from "./actor-metrics.ts";
import type { IpHasher } from "./actor-observation.ts";
import { createHourProcessor, type SegmentLines } from "./process-hour.ts";

export interface IngestProgress {
  phase: "reading" | "processing";
  linesRead: number;
  bytesRead: number;
  /** Total input bytes where known (files), for a percentage. */
  bytesTotal: number | null;
  hoursProcessed: number;
  hoursToProcess: number;
}

export interface IngestReport {
  linesRead: number;
  bytesRead: number;
  malformed: MalformedTally;
  hoursUpdated: string[];
  pageviewsByAgent: Map<string, number>;
  automatedByReason: Map<string, number>;
  seconds: number;
}

export interface IngestContext {
  store: Store;
  rawZone: RawZone;
  refineDependencies: RefineDependencies;
  secretKey: Buffer;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestOptions extends Omit<SourceOptions, "format"> {
  format: SourceOptions["format"];
  /** Raw bytes held in memory before they are landed; bounds the memory an ingest uses. */
  bufferBytes?: number;
}

const DEFAULT_BUFFER_BYTES = 64 * 2 ** 20;

/**
 * Lands raw lines in the raw zone, then (re-)processes every hour whose raw data changed, in time
 * order, and refreshes the serving tables of the days touched. Idempotent: lines already landed are
 * dropped as exact duplicates when their hour is processed, and each hour is replaced whole. A run
 * killed at any point leaves landed segments that the next run processes.
 */
export async function ingest(
  inputs: readonly string[],
  options: IngestOptions,
  context: IngestContext,
): Promise<IngestReport> {
  const started = performance.now();
  const { store, rawZone } = context;
  const report: IngestReport = {
    linesRead: 0,
    bytesRead: 0,
    malformed: new MalformedTally(),
    hoursUpdated: [],
    pageviewsByAgent: new Map(),
    automatedByReason: new Map(),
    seconds: 0,
  };
  const progress: IngestProgress = {
    phase: "reading",
    linesRead: 0,
    bytesRead: 0,
    bytesTotal: null,
    hoursProcessed: 0,
    hoursToProcess: 0,
  };
  const emit = () => context.onProgress?.({ ...progress, linesRead: report.linesRead });

  const landed = await landInputs(inputs, options, context, report, progress, emit);

  const hours = await hoursToProcess(landed, store, rawZone);
  progress.phase = "processing";
  progress.hoursToProcess = hours.length;
  emit();
  const processor = createHourProcessor({
    refineDependencies: context.refineDependencies,
    hashIp: ipHasher(context.secretKey),
    store,
    definitionVersion: currentDefinition.version,
  });
  for (const hour of hours) {
    const segments = await rawZone.segments(hour);
    const outcome = await processor.process(
      hour,
      readSegments(rawZone, segments),
      await rawZone.fingerprint(hour),
    );
    await store.replaceHour(outcome.processed);
    report.hoursUpdated.push(hour);
    addCounts(report.pageviewsByAgent, outcome.pageviewsByAgent);
    addCounts(report.automatedByReason, outcome.automatedByReason);
    progress.hoursProcessed++;
    emit();
  }
  await store.refreshServing([...new Set(hours.map(dayOf))]);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** Reads every input, keeping raw lines per hour and landing them whenever the buffer is full. */
async function landInputs(
  inputs: readonly string[],
  options: IngestOptions,
  context: IngestContext,
  report: IngestReport,
  progress: IngestProgress,
  emit: () => void,
): Promise<Set<string>> {
  const landedHours = new Set<string>();
  const bufferLimit = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
  let buffers = new Map<string, { hour: string; format: InputFormat; host?: string; lines: string[] }>();
  let buffered = 0;
  const landBuffers = async () => {
    for (const { hour, format, host, lines } of buffers.values()) {
      await context.rawZone.land(hour, format, host, lines);
      landedHours.add(hour);
    }
    buffers = new Map();
    buffered = 0;
  };

  let bytesBefore = 0;
  for (const input of inputs) {
    const source = await openSource(input, options);
    progress.bytesTotal = source.sizeBytes;
    const host = source.format === "webrequest" ? undefined : options.host;
    for await (const batch of source.recordBatches()) {
      for (const item of batch) {
        report.linesRead++;
        if (item.kind === "malformed") {
          report.malformed.add(item.reason, `${source.name}:${item.lineNumber}`);
          continue;
        }
        const hour = hourOf(item.request.dt);
        const format = source.format as InputFormat;
        const key = `${hour} ${format} ${host ?? ""}`;
        let buffer = buffers.get(key);
        if (buffer === undefined) {
          buffer = { hour, format, host, lines: [] };
          buffers.set(key, buffer);
        }
        buffer.lines.push(item.raw);
        buffered += item.raw.length;
      }
      report.bytesRead = bytesBefore + source.bytesRead();
      progress.bytesRead = report.bytesRead;
      emit();
      if (buffered >= bufferLimit) await landBuffers();
    }
    bytesBefore = report.bytesRead;
  }
  await landBuffers();
  return landedHours;
}

/**
 * The hours to (re-)process, ascending: those just landed, those whose raw data changed since they
 * were processed (a run killed before it processed what it landed), and, for each of these, the
 * processed hours of the next 23 hours, whose automated labels read its actor metrics.
 */
async function hoursToProcess(landed: Set<string>, store: Store, rawZone: RawZone): Promise<string[]> {
  const states = await store.hourStates();
  const changed = new Set(landed);
  for (const hour of await rawZone.hours()) {
    if (!changed.has(hour) && states.get(hour)?.rawFingerprint !== (await rawZone.fingerprint(hour))) {
      changed.add(hour);
    }
  }
  const hours = new Set(changed);
  const rawHours = new Set(await rawZone.hours());
  for (const hour of changed) {
    for (let step = 1; step < ROLLUP_WINDOW_HOURS; step++) {
      const later = addHours(hour, step);
      if (states.has(later) && rawHours.has(later)) hours.add(later);
    }
  }
  return [...hours].sort();
}

async function* readSegments(rawZone: RawZone, segments: readonly RawSegment[]): AsyncIterable<SegmentLines> {
  for (const segment of segments) {
    yield { format: segment.format, host: segment.host, lines: await rawZone.readLines(segment) };
  }
}

/** Keyed hash of an IP: stable within a data directory, meaningless outside it. */
function ipHasher(secretKey: Buffer): IpHasher {
  return (ip) => createHmac("sha256", secretKey).update(ip).digest("base64url").slice(0, 16);
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}
