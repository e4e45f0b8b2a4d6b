import { createHmac, createSecretKey } from "node:crypto";
import { currentDefinition } from "../definition/index.ts";
import type { RawRequest } from "../definition/types.ts";
import { dayOf, epochMsToHour, hourOf } from "../hours.ts";
import type { RefineDependencies } from "../refine/refine.ts";
import { type InputFormat, openSource, type SourceOptions } from "../sources/index.ts";
import { MalformedTally } from "../sources/malformed-tally.ts";
import { PendingHours } from "../store/pending-hours.ts";
import type { RawSegment, RawZone, SegmentWriter } from "../store/raw-zone.ts";
import type { HourState, ShardSpec, Store } from "../store/store.ts";
import {
  type ChangedActors,
  changedActors,
  changesUnderLabels,
  laterHoursReading,
  readsNoneOf,
} from "./actor-metrics.ts";
import { type IpHasher, mayGiveDiffEvidence } from "./actor-observation.ts";
import {
  createHourProcessor,
  type HourInProgress,
  type HourOutcome,
  type HourProcessor,
  type SegmentLines,
} from "./process-hour.ts";
import { shardOf } from "./shard.ts";

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
  /** With a shard: lines of other shards' actors, left to them. */
  linesOfOtherShards: number;
  /** Hours processed (with a shard: hours whose share was written). */
  hoursUpdated: string[];
  /** Hours stored whole: all of them, or with a shard, those whose last share this run wrote. */
  hoursCompleted: string[];
  pageviewsByAgent: Map<string, number>;
  automatedByReason: Map<string, number>;
  seconds: number;
}

/** The store methods an ingest calls (a worker thread calls them through messages). */
export type IngestStore = Pick<
  Store,
  "hourStates" | "hourPartStates" | "actorMetrics" | "replaceHour" | "replaceHourPart" | "refreshServing"
>;

export interface IngestContext {
  store: IngestStore;
  rawZone: RawZone;
  refineDependencies: RefineDependencies;
  secretKey: Buffer;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestOptions extends Omit<SourceOptions, "format"> {
  format: SourceOptions["format"];
  /**
   * Characters of late lines (for hours already closed) held in memory before they are landed; lines
   * of open hours are landed as they are read.
   */
  bufferBytes?: number;
  /**
   * Ingest as one of several workers: only this shard's actors are landed and processed (with the
   * other shards' diff views, which their labels share), and hours are stored as shares.
   */
  shard?: ShardSpec;
}

const DEFAULT_BUFFER_BYTES = 32 * 2 ** 20;
const CLOSE_GRACE_MS = 10 * 60_000;

/**
 * Lands raw lines in the raw zone and turns them into hourly pageviews. Input is read as a stream,
 * and each line is written to its hour's segment as it is read; a new hour's lines are also refined
 * and counted then. An hour closes once the input is ten minutes past its end (logs arrive roughly
 * in time order): its segments are finished, and it is labelled and stored (an hour with data from
 * earlier runs is processed from the raw zone instead). Lines that arrive for a closed hour are
 * landed as late data, and at the end every hour whose raw data changed is re-processed from the raw
 * zone, with the later hours whose automated labels read what changed in its actor metrics (recorded
 * in {@link PendingHours} first, so that a killed run leaves them to the next). Idempotent: an hour is
 * replaced whole, and lines landed twice are exact duplicates, dropped when the hour is processed. A
 * run killed at any point leaves landed segments that the next run processes, and temporary files
 * that no reader lists.
 */
export async function ingest(
  inputs: readonly string[],
  options: IngestOptions,
  context: IngestContext,
): Promise<IngestReport> {
  const started = performance.now();
  const { store } = context;
  const states = options.shard ? await store.hourPartStates(options.shard) : await store.hourStates();
  const landedBefore = await context.rawZone.fingerprints(options.shard);
  const pending = new PendingHours(context.rawZone.root, options.shard);
  const run = new IngestRun(options, context, states, landedBefore, pending, await pending.read());
  // Every input is opened before anything is landed, so that a missing file changes nothing.
  const sources = [];
  for (const input of inputs) sources.push(await openSource(input, options));
  try {
    for (const source of sources) {
      run.startInput(source.sizeBytes);
      const format = source.format as InputFormat;
      const host = format === "webrequest" ? undefined : options.host;
      for await (const batch of source.recordBatches()) {
        for (const item of batch) {
          if (item.kind === "malformed") run.malformed(item.reason, `${source.name}:${item.lineNumber}`);
          else run.add(item.request, item.raw, format, host);
        }
        await run.afterBatch(source.bytesRead());
      }
      run.endInput();
    }
    await run.finish();
  } catch (error) {
    await run.abandon();
    throw error;
  }
  run.report.seconds = (performance.now() - started) / 1000;
  return run.report;
}

/** Lines of one hour read in this run and not landed yet, per format and host. */
type HourBuffer = Map<string, { format: InputFormat; host: string | undefined; lines: string[] }>;

/**
 * An hour the input is in: its lines are landed as they are read, one segment per format and host,
 * and, when the hour is new, taken by its processing at once, so that closing it only labels and
 * stores it.
 */
interface OpenHour {
  parts: Map<string, OpenSegment>;
  /** Null for an hour with data from before this run: it is processed from the raw zone when it closes. */
  lines: HourInProgress | null;
}

interface OpenSegment {
  format: InputFormat;
  host: string | undefined;
  /** Lines read since the last batch ended, written to the segment after it. */
  unwritten: string[];
  writer: SegmentWriter | undefined;
}

class IngestRun {
  readonly report: IngestReport = {
    linesRead: 0,
    bytesRead: 0,
    malformed: new MalformedTally(),
    linesOfOtherShards: 0,
    hoursUpdated: [],
    hoursCompleted: [],
    pageviewsByAgent: new Map(),
    automatedByReason: new Map(),
    seconds: 0,
  };
  private readonly open = new Map<string, OpenHour>();
  /** Lines for hours already closed in this run, landed together and re-processed at the end. */
  private readonly late = new Map<string, HourBuffer>();
  private readonly closed = new Set<string>();
  /** Hours this run wrote segments to. */
  private readonly landed = new Set<string>();
  /** Per hour, the counts of its last processing in this run, for the report. */
  private readonly outcomes = new Map<string, Pick<HourOutcome, "pageviewsByAgent" | "automatedByReason">>();
  /** Hours given late lines, to process from the raw zone once the input is read. */
  private readonly toReprocess = new Set<string>();
  /** When each hour was last processed in this run (a counter), to find hours whose labels went stale. */
  private readonly processedAt = new Map<string, number>();
  /**
   * For hours stored while a later hour was already stored: the actors whose metrics this run changed
   * (across all its processings of the hour), which that later hour's labels may depend on.
   */
  private readonly changedActors = new Map<string, ChangedActors>();
  /** The hours recorded in {@link pending}: to process again, or to check, before the run ends. */
  private readonly pendingNow: Set<string>;
  /** Hours stored whole by this run (with a shard: completed by this run's share). */
  private readonly completed = new Set<string>();
  private readonly shard: ShardSpec | undefined;
  private processings = 0;
  /** The latest timestamp read (normalised ISO text compares in time order). */
  private latestDt = "";
  private latestMs = 0;
  /** The closed hour being stored, while the input is read further. */
  private storing: Promise<void> = Promise.resolve();
  private storingFailure: { error: unknown } | undefined;
  /** Characters of late lines held, landed once past the buffer limit. */
  private bufferedBytes = 0;
  private bytesOfEarlierInputs = 0;
  private bytesTotal: number | null = null;
  private readonly bufferLimit: number;
  private readonly processor: HourProcessor;

  constructor(
    options: IngestOptions,
    private readonly context: IngestContext,
    private readonly states: Map<string, HourState>,
    /** Hours with segments in the raw zone before this run (a shard's), and their fingerprints then. */
    private readonly landedBefore: ReadonlyMap<string, string>,
    private readonly pending: PendingHours,
    /** Hours a killed run had still to process again: what changed under their labels is not known. */
    private readonly pendingBefore: ReadonlySet<string>,
  ) {
    this.pendingNow = new Set(pendingBefore);
    this.bufferLimit = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
    this.shard = options.shard;
    this.processor = createHourProcessor({
      refineDependencies: context.refineDependencies,
      hashIp: ipHasher(context.secretKey),
      store: context.store,
      definitionVersion: currentDefinition.version,
      shard: options.shard,
    });
  }

  startInput(sizeBytes: number | null): void {
    this.bytesTotal = sizeBytes;
  }

  endInput(): void {
    this.bytesOfEarlierInputs = this.report.bytesRead;
  }

  malformed(reason: string, where: string): void {
    this.report.linesRead++;
    this.report.malformed.add(reason, where);
  }

  add(request: RawRequest, raw: string, format: InputFormat, host: string | undefined): void {
    this.report.linesRead++;
    this.noteTime(request.dt);
    const hour = hourOf(request.dt);
    const shard = this.shard;
    const mine = !shard || shardOf(request, shard.count) === shard.index || mayGiveDiffEvidence(request);
    if (this.closed.has(hour)) {
      if (mine) this.addLate(hour, raw, format, host);
      else this.report.linesOfOtherShards++;
      return;
    }
    // An open hour is tracked even when no line is this shard's: every shard writes a share of every
    // hour it reads.
    let open = this.open.get(hour);
    if (open === undefined) {
      const isNew = !this.states.has(hour) && !this.landedBefore.has(hour);
      open = { parts: new Map(), lines: isNew ? this.processor.startHour(hour) : null };
      this.open.set(hour, open);
    }
    if (!mine) {
      this.report.linesOfOtherShards++;
      return;
    }
    const key = `${format} ${host ?? ""}`;
    let part = open.parts.get(key);
    if (part === undefined) {
      part = { format, host, unwritten: [], writer: undefined };
      open.parts.set(key, part);
    }
    part.unwritten.push(raw);
    open.lines?.add(raw, format, request);
  }

  private addLate(hour: string, raw: string, format: InputFormat, host: string | undefined): void {
    let buffer = this.late.get(hour);
    if (buffer === undefined) {
      buffer = new Map();
      this.late.set(hour, buffer);
    }
    const key = `${format} ${host ?? ""}`;
    let part = buffer.get(key);
    if (part === undefined) {
      part = { format, host, lines: [] };
      buffer.set(key, part);
    }
    part.lines.push(raw);
    this.bufferedBytes += raw.length;
  }

  private noteTime(dt: string): void {
    if (dt > this.latestDt) {
      this.latestDt = dt;
      this.latestMs = Date.parse(dt);
    }
  }

  async afterBatch(bytesReadOfInput: number): Promise<void> {
    this.report.bytesRead = this.bytesOfEarlierInputs + bytesReadOfInput;
    for (const [hour, open] of this.open) await this.writeSegments(hour, open);
    // An hour closes once the input is ten minutes past its end: logs are written in about time order.
    const watermark = this.latestMs === 0 ? "" : epochMsToHour(this.latestMs - CLOSE_GRACE_MS);
    for (const hour of [...this.open.keys()].sort()) {
      if (hour < watermark) await this.close(hour);
    }
    if (this.bufferedBytes > this.bufferLimit) await this.landLate();
    this.throwIfStoringFailed();
    this.emit("reading");
  }

  async finish(): Promise<void> {
    for (const hour of [...this.open.keys()].sort()) await this.close(hour);
    await this.storing;
    this.throwIfStoringFailed();
    await this.landLate();
    const { store } = this.context;
    // Late lines, and hours landed by an earlier run that was killed before it processed them. (A
    // shard re-processes only hours it landed lines in: hours read without a line of its own got their
    // empty share when they closed.)
    const rawHours = new Set([...this.landedBefore.keys(), ...this.landed]);
    for (const hour of rawHours) {
      if (this.processedAt.has(hour)) continue;
      // An hour this run did not land in has the raw data it had at the start.
      const upToDate = this.landed.has(hour)
        ? await this.isUpToDate(hour)
        : this.states.get(hour)?.rawFingerprint === this.landedBefore.get(hour);
      if (!upToDate) this.toReprocess.add(hour);
    }
    for (const hour of [...this.toReprocess].sort()) await this.processFromRawZone(hour);
    // The automated labels of an hour read the actor metrics of the 23 before it: an hour stored
    // before one of those changed is processed again.
    const stale = new Set<string>();
    for (const [changed, at] of this.processedAt) {
      for (const later of laterHoursReading(changed)) {
        const laterAt = this.processedAt.get(later);
        if (laterAt === undefined ? this.states.has(later) : laterAt < at) stale.add(later);
      }
    }
    // And the hours a killed run left to process again, unless this run processed them since.
    for (const hour of this.pendingBefore) if (!this.processedAt.has(hour)) stale.add(hour);
    for (const hour of [...stale].filter((hour) => rawHours.has(hour)).sort()) {
      if (!(await this.keepsLabels(hour))) await this.processFromRawZone(hour);
    }
    if (this.pendingNow.size > 0) await this.pending.clear();
    this.emit("processing");
    this.report.hoursUpdated = [...this.outcomes.keys()].sort();
    this.report.hoursCompleted = [...this.completed].sort();
    for (const outcome of this.outcomes.values()) {
      addCounts(this.report.pageviewsByAgent, outcome.pageviewsByAgent);
      addCounts(this.report.automatedByReason, outcome.automatedByReason);
    }
    const days = new Set(this.report.hoursCompleted.map(dayOf));
    // Compacted too: re-sorts months that changed since they closed, so one article's year stays a
    // point read, and the days, which compress better sorted.
    await store.refreshServing([...days].sort(), { compact: true });
  }

  /**
   * Writes the lines read since the last batch to the hour's segments; waits while gzip has more
   * than it can take, so memory stays bounded when the disk is slower than the input.
   */
  private async writeSegments(hour: string, open: OpenHour): Promise<void> {
    for (const part of open.parts.values()) {
      if (part.unwritten.length === 0) continue;
      if (part.writer === undefined) {
        part.writer = await this.context.rawZone.openSegment(hour, part.format, part.host, this.shard);
        this.landed.add(hour);
      }
      const more = part.writer.write(part.unwritten);
      part.unwritten = [];
      if (!more) await part.writer.drained();
    }
  }

  /**
   * Finishes the hour's segments and stores the hour: a new hour from the lines its processing took
   * as they were read, an hour with earlier data from the raw zone, if its raw data changed. The
   * storing goes on while the input is read further (DuckDB and gzip work on their own threads); one
   * hour at a time, in order, since an hour's labels read the actor metrics of the hours before it.
   */
  private async close(hour: string): Promise<void> {
    const open = this.open.get(hour);
    if (open === undefined) return;
    await this.storing;
    // Until its segments are handed to the storing, an hour stays open, for abandon() to find.
    this.throwIfStoringFailed();
    await this.writeSegments(hour, open);
    this.open.delete(hour);
    this.closed.add(hour);
    this.storing = this.closeLanded(hour, open).catch((error: unknown) => {
      this.storingFailure = { error };
    });
  }

  private async closeLanded(hour: string, open: OpenHour): Promise<void> {
    const landing = Promise.all([...open.parts.values()].map((part) => part.writer?.finish()));
    if (open.lines !== null) {
      // Labelling reads the store while gzip finishes on libuv's threads; the hour is stored only
      // once its raw lines are safely landed.
      const [outcome] = await Promise.all([open.lines.finish(), landing]);
      await this.store(hour, outcome);
      return;
    }
    await landing;
    if (!(await this.isUpToDate(hour))) await this.processFromRawZone(hour);
  }

  private throwIfStoringFailed(): void {
    if (this.storingFailure !== undefined) throw this.storingFailure.error;
  }

  /** Gives up the segments of the hours still open (after a failure): nothing of them stays. */
  async abandon(): Promise<void> {
    await this.storing;
    for (const open of this.open.values()) {
      for (const part of open.parts.values()) await part.writer?.abort();
    }
    this.open.clear();
  }

  private async landLate(): Promise<void> {
    // Not while an hour is stored: its fingerprint must name the segments it was processed from.
    await this.storing;
    for (const [hour, buffer] of this.late) {
      await this.land(hour, buffer);
      this.toReprocess.add(hour);
    }
    this.late.clear();
  }

  private async land(hour: string, buffer: HourBuffer): Promise<void> {
    for (const part of buffer.values()) {
      await this.context.rawZone.land(hour, part.format, part.host, part.lines, this.shard);
      this.landed.add(hour);
      for (const line of part.lines) this.bufferedBytes -= line.length;
    }
  }

  private async isUpToDate(hour: string): Promise<boolean> {
    return (
      this.states.get(hour)?.rawFingerprint === (await this.context.rawZone.fingerprint(hour, this.shard))
    );
  }

  private async processFromRawZone(hour: string): Promise<void> {
    const { rawZone } = this.context;
    const segments = readSegments(rawZone, await rawZone.segments(hour, this.shard));
    await this.store(hour, await this.processor.process(hour, segments));
  }

  /** Stores a processed hour (with a shard: its share). */
  private async store(hour: string, outcome: HourOutcome): Promise<void> {
    const { rawZone, store } = this.context;
    const { processed } = outcome;
    processed.report.rawFingerprint = await rawZone.fingerprint(hour, this.shard);
    const later = this.storedLaterHours(hour);
    if (later.length > 0) await this.recordPending(later);
    if (this.shard === undefined) {
      if (later.length > 0) {
        const before = this.isStored(hour) ? await store.actorMetrics(hour, hour) : [];
        this.changedActors.set(
          hour,
          changedActors(before, processed.actorMetrics, this.changedActors.get(hour)),
        );
      }
      await store.replaceHour(processed);
      this.completed.add(hour);
    } else if (await store.replaceHourPart({ shard: this.shard, processed })) {
      this.completed.add(hour);
    }
    // Only the counts are kept: the hour's rows and actor metrics are in the store now.
    this.outcomes.set(hour, {
      pageviewsByAgent: outcome.pageviewsByAgent,
      automatedByReason: outcome.automatedByReason,
    });
    this.processedAt.set(hour, ++this.processings);
    this.emit("processing");
  }

  private isStored(hour: string): boolean {
    return this.states.has(hour) || this.processedAt.has(hour);
  }

  /** The stored hours whose labels read this one's actor metrics. */
  private storedLaterHours(hour: string): string[] {
    return laterHoursReading(hour).filter((later) => this.isStored(later));
  }

  private async recordPending(hours: readonly string[]): Promise<void> {
    if (hours.every((hour) => this.pendingNow.has(hour))) return;
    for (const hour of hours) this.pendingNow.add(hour);
    await this.pending.write(this.pendingNow);
  }

  /**
   * Whether a stored hour keeps its labels although earlier hours in its window were stored since:
   * none of its actors, nor their IPs, is among those whose metrics they changed. Its own lines
   * decide everything else in its rows. (A shard's share is always processed again: the other
   * shards' changes are not known here.)
   */
  private async keepsLabels(hour: string): Promise<boolean> {
    if (this.shard !== undefined || this.pendingBefore.has(hour)) return false;
    const processedAt = (at: string) => this.processedAt.get(at) ?? 0;
    const changes = changesUnderLabels(hour, processedAt(hour), processedAt, this.changedActors);
    return changes !== null && readsNoneOf(await this.context.store.actorMetrics(hour, hour), changes);
  }

  private emit(phase: IngestProgress["phase"]): void {
    this.context.onProgress?.({
      phase,
      linesRead: this.report.linesRead,
      bytesRead: this.report.bytesRead,
      bytesTotal: this.bytesTotal,
      hoursProcessed: this.processings,
      hoursToProcess: this.processings + this.open.size + this.toReprocess.size,
    });
  }
}

export async function* readSegments(
  rawZone: RawZone,
  segments: readonly RawSegment[],
): AsyncIterable<SegmentLines> {
  for (const segment of segments) {
    yield { format: segment.format, host: segment.host, lines: await rawZone.readLines(segment) };
  }
}

/** Keyed hash of an IP: stable within a data directory, meaningless outside it. */
export function ipHasher(secretKey: Buffer): IpHasher {
  // A key object made once: given the bytes, every HMAC would make one of its own.
  const key = createSecretKey(secretKey);
  return (ip) => createHmac("sha256", key).update(ip).digest("base64url").slice(0, 16);
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}
