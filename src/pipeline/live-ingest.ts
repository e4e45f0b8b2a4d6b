import { currentDefinition } from "../definition/index.ts";
import { dayOf, epochMsToHour, HOUR_MS, hourOf, hourToEpochMs } from "../hours.ts";
import type { RefineDependencies } from "../refine/refine.ts";
import type { InputFormat, InputSource } from "../sources/index.ts";
import { PendingHours } from "../store/pending-hours.ts";
import type { RawZone } from "../store/raw-zone.ts";
import type { HourState, Store } from "../store/store.ts";
import {
  type ChangedActors,
  changedActors,
  changesUnderLabels,
  laterHoursReading,
  readsNoneOf,
} from "./actor-metrics.ts";
import { ipHasher, readSegments } from "./ingest.ts";
import { createHourProcessor, type HourOutcome, type HourProcessor } from "./process-hour.ts";

/**
 * Continuous ingestion, for `pageviews serve`: lines from any source are landed in the raw zone
 * (durably, before a sender is answered), and hours are processed from the raw zone once they close,
 * that is once the watermark (the latest of the clock and the newest line's time) is a grace period
 * past their end. Lines that arrive for an hour already processed make it due again: it is processed
 * again whole, as are the later hours whose `automated` labels read its actor metrics, unless none of
 * the actors and IPs those labels read changed. Everything a processing needs is in the raw zone, so a
 * restart picks up where the last process stopped.
 */

export interface LiveIngestOptions {
  /** How long after its end an hour waits for late lines before it is processed. */
  graceMs: number;
  /** An hour is processed once no line has landed in it for this long (lets a burst finish first). */
  settleMs?: number;
  /** Pending lines are landed at least this often. */
  flushMs?: number;
  /** Pending lines are landed at once beyond this many bytes. */
  maxPendingBytes?: number;
  /** The current time in ms; injectable for tests and replays. */
  clock?: () => number;
}

export interface LiveIngestContext {
  store: Store;
  rawZone: RawZone;
  refineDependencies: RefineDependencies;
  secretKey: Buffer;
  observer?: LiveIngestObserver;
}

/** What the operations side (metrics, logs) hears of. */
export interface LiveIngestObserver {
  linesAccepted?(count: number): void;
  lineMalformed?(reason: string, where: string): void;
  hourProcessed?(hour: string, seconds: number, outcome: HourOutcome): void;
  /** After the serving tables show the processed hours: answers computed before are out of date. */
  dataChanged?(): void;
  processingFailed?(hour: string, error: unknown): void;
  /** Lines could not be landed (they are kept, and landed with the next flush). */
  landingFailed?(error: unknown): void;
}

export interface AcceptedCounts {
  lines: number;
  accepted: number;
  malformed: number;
  /** The first few malformed lines, as `where: reason`. */
  malformedExamples: string[];
}

const MAX_EXAMPLES = 5;

type Pending = Map<string, { hour: string; format: InputFormat; host: string | undefined; lines: string[] }>;

export class LiveIngest {
  readonly #context: LiveIngestContext;
  readonly #processor: HourProcessor;
  readonly #clock: () => number;
  readonly #graceMs: number;
  readonly #settleMs: number;
  readonly #maxPendingBytes: number;
  #pending: Pending = new Map();
  #pendingBytes = 0;
  /** Hours with lines landed since they were last processed, and when the last of them landed. */
  readonly #due = new Map<string, number>();
  readonly #states: Map<string, HourState>;
  /** Processed hours to process again because an earlier hour their labels read was stored anew. */
  readonly #relabel: PendingHours;
  readonly #toRelabel: Set<string>;
  /**
   * Due hours whose raw data has not changed since this process stored them or found their labels
   * current: they are processed again only if an earlier hour changed actors or IPs they read.
   */
  readonly #dueForLabelsOnly = new Set<string>();
  /** When this process last stored each hour (a counter shared with {@link #labelsCheckedAt}). */
  readonly #storedAt = new Map<string, number>();
  /** When this process last stored each hour, or found that it keeps its labels. */
  readonly #labelsCheckedAt = new Map<string, number>();
  #events = 0;
  /** For hours stored anew while later hours were stored: the actors and IPs whose metrics changed. */
  readonly #changedActors = new Map<string, ChangedActors>();
  #newestLineMs = 0;
  #flushing: Promise<void> = Promise.resolve();
  #processing: Promise<void> | null = null;
  #flushTimer: NodeJS.Timeout | undefined;

  private constructor(
    context: LiveIngestContext,
    options: LiveIngestOptions,
    states: Map<string, HourState>,
    relabel: { file: PendingHours; hours: Set<string> },
  ) {
    this.#context = context;
    this.#relabel = relabel.file;
    this.#toRelabel = relabel.hours;
    this.#clock = options.clock ?? Date.now;
    this.#graceMs = options.graceMs;
    this.#settleMs = options.settleMs ?? 2_000;
    this.#maxPendingBytes = options.maxPendingBytes ?? 32 * 2 ** 20;
    this.#states = states;
    this.#processor = createHourProcessor({
      refineDependencies: context.refineDependencies,
      hashIp: ipHasher(context.secretKey),
      store: context.store,
      definitionVersion: currentDefinition.version,
    });
    const flushMs = options.flushMs ?? 2_000;
    this.#flushTimer = setInterval(() => {
      this.flush().catch((error: unknown) => context.observer?.landingFailed?.(error));
    }, flushMs);
    this.#flushTimer.unref();
  }

  /**
   * Starts with every raw hour whose stored state does not match its raw data due (a killed run's
   * work), and every hour it had still to label again, once the temporary files of its interrupted
   * landings are deleted.
   */
  static async start(context: LiveIngestContext, options: LiveIngestOptions): Promise<LiveIngest> {
    const states = await context.store.hourStates();
    await context.rawZone.removeInterruptedLandings();
    const rawHours = await context.rawZone.hours();
    // Hours purged since keep their aggregates as they are.
    const file = new PendingHours(context.rawZone.root);
    const recorded = await file.read();
    const toRelabel = new Set(rawHours.filter((hour) => recorded.has(hour)));
    if (toRelabel.size === 0 && recorded.size > 0) await file.clear();
    const live = new LiveIngest(context, options, states, { file, hours: toRelabel });
    for (const hour of rawHours) {
      if (
        toRelabel.has(hour) ||
        states.get(hour)?.rawFingerprint !== (await context.rawZone.fingerprint(hour))
      )
        live.#due.set(hour, 0);
    }
    return live;
  }

  /**
   * Reads a source to its end and queues its lines for landing; malformed lines are counted and
   * reported (numbered from `lineOffset` + 1), never landed. The lines are durable once {@link flush}
   * (or the periodic flush) is done.
   */
  /** A line the caller could not even read (a watched file's broken gzip): counted and reported. */
  reportMalformed(reason: string, where: string): void {
    this.#context.observer?.lineMalformed?.(reason, where);
  }

  async accept(source: InputSource, host: string | undefined, lineOffset = 0): Promise<AcceptedCounts> {
    const counts: AcceptedCounts = { lines: 0, accepted: 0, malformed: 0, malformedExamples: [] };
    const format = source.format;
    for await (const batch of source.recordBatches()) {
      for (const record of batch) {
        counts.lines++;
        if (record.kind === "malformed" || format === null) {
          const reason = record.kind === "malformed" ? record.reason : "unrecognised format";
          const where = `${source.name}:${lineOffset + record.lineNumber}`;
          counts.malformed++;
          if (counts.malformedExamples.length < MAX_EXAMPLES)
            counts.malformedExamples.push(`${where}: ${reason}`);
          this.#context.observer?.lineMalformed?.(reason, where);
          continue;
        }
        counts.accepted++;
        this.#queue(
          hourOf(record.request.dt),
          format,
          format === "webrequest" ? undefined : host,
          record.raw,
        );
        const lineMs = Date.parse(record.request.dt);
        if (lineMs > this.#newestLineMs) this.#newestLineMs = lineMs;
      }
      if (this.#pendingBytes > this.#maxPendingBytes) await this.flush();
    }
    this.#context.observer?.linesAccepted?.(counts.accepted);
    return counts;
  }

  #queue(hour: string, format: InputFormat, host: string | undefined, line: string): void {
    const key = `${hour} ${format} ${host ?? ""}`;
    let part = this.#pending.get(key);
    if (part === undefined) {
      part = { hour, format, host, lines: [] };
      this.#pending.set(key, part);
    }
    part.lines.push(line);
    this.#pendingBytes += line.length;
  }

  /**
   * Lands every line queued so far; resolves once they are in the raw zone. If landing fails (a full
   * disk), the lines not landed are queued again for the next flush, and the error is thrown.
   */
  flush(): Promise<void> {
    // One landing at a time, in order, so that a later flush never finishes before an earlier one. The
    // lines are taken when this landing's turn comes: lines that an earlier landing (another source's,
    // or the periodic one) took and could not land are queued again by then, and a flush must not
    // resolve while lines queued before it are not landed.
    const landing = this.#flushing.then(() => this.#landPending());
    this.#flushing = landing.catch(() => undefined);
    return landing;
  }

  async #landPending(): Promise<void> {
    const pending = [...this.#pending.values()];
    this.#pending = new Map();
    this.#pendingBytes = 0;
    for (const [i, part] of pending.entries()) {
      try {
        await this.#context.rawZone.land(part.hour, part.format, part.host, part.lines);
      } catch (error) {
        for (const unlanded of pending.slice(i)) {
          for (const line of unlanded.lines) this.#queue(unlanded.hour, unlanded.format, unlanded.host, line);
        }
        throw error;
      }
      this.#due.set(part.hour, this.#clock());
      this.#dueForLabelsOnly.delete(part.hour);
    }
  }

  /** Hours whose raw data changed since they were processed, and which have closed and settled. */
  dueHours(): string[] {
    const now = this.#clock();
    const watermarkMs = Math.max(now, this.#newestLineMs) - this.#graceMs;
    // The newest hour that has ended at least a grace period before the watermark.
    const newestClosed = epochMsToHour(watermarkMs - HOUR_MS);
    return [...this.#due]
      .filter(([hour, landedAt]) => hour <= newestClosed && now - landedAt >= this.#settleMs)
      .map(([hour]) => hour)
      .sort();
  }

  /**
   * Processes the hours that are due, then refreshes the serving tables of their days. One run at a
   * time: a call while one runs waits for it.
   */
  processDueHours(): Promise<void> {
    if (this.#processing === null) {
      this.#processing = this.#processDue().finally(() => {
        this.#processing = null;
      });
    }
    return this.#processing;
  }

  async #processDue(): Promise<void> {
    const days = new Set<string>();
    const failed = new Set<string>();
    // Processing an hour can make later ones due (their labels read its actor metrics): go on until
    // none is left. Each round only adds later hours, so this ends.
    for (;;) {
      const hours = this.dueHours().filter((hour) => !failed.has(hour));
      if (hours.length === 0) break;
      for (const hour of hours) {
        const result = await this.#processHour(hour);
        if (result === "stored") days.add(dayOf(hour));
        else if (result === "failed") failed.add(hour);
      }
    }
    // The records have served the hours due in this run; one left due (it failed) is processed in
    // full next time, since nothing then says what changed under its labels.
    this.#changedActors.clear();
    if (days.size === 0) return;
    await this.#context.store.refreshServing([...days].sort());
    this.#context.observer?.dataChanged?.();
  }

  /**
   * Processes and stores an hour, or finds that it keeps its labels; "failed" leaves the hour due, for
   * the next run.
   */
  async #processHour(hour: string): Promise<"stored" | "kept" | "failed"> {
    const { rawZone, store, observer } = this.#context;
    const landedAt = this.#due.get(hour);
    const started = performance.now();
    try {
      // Lines landed meanwhile take it off the labels-only hours: it is then processed.
      if ((await this.#keepsLabels(hour)) && this.#dueForLabelsOnly.has(hour)) {
        await this.#keepLabels(hour);
        return "kept";
      }
      const outcome = await this.#processor.process(
        hour,
        readSegments(rawZone, await rawZone.segments(hour)),
      );
      outcome.processed.report.rawFingerprint = await rawZone.fingerprint(hour);
      // The processed hours whose labels read this hour's actor metrics; only hours still in the raw
      // zone: one purged keeps its aggregates as they are. Recorded before the hour is stored, so that
      // a restart labels them again even if this process dies before it does.
      const later: string[] = [];
      for (const hourAfter of laterHoursReading(hour)) {
        if (this.#states.has(hourAfter) && (await rawZone.hasSegments(hourAfter))) later.push(hourAfter);
      }
      if (later.some((hourAfter) => !this.#toRelabel.has(hourAfter))) {
        for (const hourAfter of later) this.#toRelabel.add(hourAfter);
        await this.#relabel.write(this.#toRelabel);
      }
      if (later.length > 0) {
        const before = this.#states.has(hour) ? await store.actorMetrics(hour, hour) : [];
        const changes = changedActors(before, outcome.processed.actorMetrics, this.#changedActors.get(hour));
        this.#changedActors.set(hour, changes);
      }
      await store.replaceHour(outcome.processed);
      this.#storedAt.set(hour, ++this.#events);
      this.#labelsCheckedAt.set(hour, this.#events);
      await this.#relabelled(hour);
      let pageviews = 0;
      for (const views of outcome.pageviewsByAgent.values()) pageviews += views;
      this.#states.set(hour, { ...outcome.processed.report, hour, pageviews });
      // Lines that landed while the hour was processed keep it due.
      if (this.#due.get(hour) === landedAt) {
        this.#due.delete(hour);
        this.#dueForLabelsOnly.delete(hour);
      }
      for (const hourAfter of later) {
        if (this.#due.has(hourAfter)) continue;
        this.#due.set(hourAfter, 0);
        this.#dueForLabelsOnly.add(hourAfter);
      }
      observer?.hourProcessed?.(hour, (performance.now() - started) / 1000, outcome);
      return "stored";
    } catch (error) {
      observer?.processingFailed?.(hour, error);
      return "failed";
    }
  }

  /**
   * Whether an hour due only for its labels keeps them: every earlier hour its labels read that was
   * stored since they were checked left its actors and IPs as they were. Without a record of what an
   * earlier hour changed (the records go once the hours due are dealt with), it is processed again.
   */
  async #keepsLabels(hour: string): Promise<boolean> {
    if (!this.#dueForLabelsOnly.has(hour)) return false;
    const changes = changesUnderLabels(
      hour,
      this.#labelsCheckedAt.get(hour) ?? 0,
      (earlier) => this.#storedAt.get(earlier) ?? 0,
      this.#changedActors,
    );
    return changes !== null && readsNoneOf(await this.#context.store.actorMetrics(hour, hour), changes);
  }

  async #keepLabels(hour: string): Promise<void> {
    this.#labelsCheckedAt.set(hour, ++this.#events);
    this.#due.delete(hour);
    this.#dueForLabelsOnly.delete(hour);
    await this.#relabelled(hour);
  }

  /** Forgets that the hour had to be labelled again, in the file too. */
  async #relabelled(hour: string): Promise<void> {
    if (!this.#toRelabel.delete(hour)) return;
    if (this.#toRelabel.size === 0) await this.#relabel.clear();
    else await this.#relabel.write(this.#toRelabel);
  }

  /** The newest processed hour, `YYYYMMDDHH`, or null before the first. */
  lastCompleteHour(): string | null {
    let newest: string | null = null;
    for (const hour of this.#states.keys()) if (newest === null || hour > newest) newest = hour;
    return newest;
  }

  /** Seconds since the end of the newest processed hour: how stale the API's data is. */
  lagSeconds(): number | null {
    const newest = this.lastCompleteHour();
    if (newest === null) return null;
    return Math.max(0, (this.#clock() - hourToEpochMs(newest) - HOUR_MS) / 1000);
  }

  /** Stops the periodic flush and lands what is pending; processing left due resumes at the next start. */
  async stop(): Promise<void> {
    clearInterval(this.#flushTimer);
    await this.flush();
    await this.#processing;
  }
}
