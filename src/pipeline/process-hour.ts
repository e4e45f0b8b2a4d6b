import { hash } from "node:crypto";
import { automatedActors } from "../definition/actor-label.ts";
import type { RawRequest } from "../definition/types.ts";
import { addHours, hourOf } from "../hours.ts";
import { createRefiners, type RefineDependencies, type Refined, type Refiner } from "../refine/refine.ts";
import { carriesXAnalytics, type InputFormat, type LineParser, parserFor } from "../sources/index.ts";
import type { ProcessedHour, ShardSpec, Store } from "../store/store.ts";
import { HourlyActorMetricsBuilder, ROLLUP_WINDOW_HOURS, rollUp } from "./actor-metrics.ts";
import {
  type IpHasher,
  mayGiveDiffEvidence,
  observeActor,
  type RefinedRequestFacts,
} from "./actor-observation.ts";
import { HourAggregate } from "./hour-aggregate.ts";
import { shardOf } from "./shard.ts";

/** Raw lines of one landed segment, with what is needed to read them again. */
export interface SegmentLines {
  format: InputFormat;
  host: string | undefined;
  lines: readonly string[];
}

export interface HourOutcome {
  processed: ProcessedHour;
  pageviewsByAgent: Map<string, number>;
  automatedByReason: Map<string, number>;
}

/** What processing hours needs; built once per run so the refiner's caches carry across hours. */
export interface HourProcessor {
  /** The hour's outcome; its report's `rawFingerprint` is left for the caller, who landed the segments. */
  process(hour: string, segments: AsyncIterable<SegmentLines>): Promise<HourOutcome>;
  /** An hour fed line by line, for an ingest that reads the hour's lines before they are landed. */
  startHour(hour: string): HourInProgress;
}

/** An hour's lines taken one by one, then labelled and counted as rows of pageview_hourly. */
export interface HourInProgress {
  /** Adds a line: already parsed, or with the parser to parse it with unless it is a duplicate. */
  add(line: string, format: InputFormat, request: RawRequest | LineParser): void;
  finish(): Promise<HourOutcome>;
}

export interface HourProcessorOptions {
  refineDependencies: RefineDependencies;
  hashIp: IpHasher;
  /** Where the earlier hours' actor metrics are read, for the 24-hour rollup. */
  store: Pick<Store, "actorMetrics">;
  definitionVersion: string;
  /** Process only this shard's actors (see shard.ts); every request is this process's when absent. */
  shard?: ShardSpec;
}

export function createHourProcessor(options: HourProcessorOptions): HourProcessor {
  const refiners = createRefiners(options.refineDependencies);
  const startHour = (hour: string) => new HourLines(hour, refiners, options);
  return {
    startHour,
    async process(hour, segments) {
      const lines = startHour(hour);
      for await (const segment of segments) {
        const parse = parserFor(segment.format, segment.host);
        for (const line of segment.lines) lines.add(line, segment.format, parse);
      }
      return lines.finish();
    },
  };
}

class HourLines implements HourInProgress {
  // Wikimedia's refine drops exact-duplicate raw rows (a DISTINCT over every column); it also makes
  // landing the same lines twice harmless. Lines are known by their SHA-1, not kept: keeping them
  // would keep the hour's whole text alive until the hour is stored. Each line maps to whether it is
  // this shard's.
  readonly #seen = new Map<string, boolean>();
  /** Readers request several pages, so one keyed hash per IP and hour is enough. */
  readonly #ipKeys = new Map<string, string>();
  readonly #metrics = new HourlyActorMetricsBuilder();
  readonly #aggregate = new HourAggregate();
  /** Lines are checked when they are read: only a segment altered since can hold malformed lines. */
  #malformedLines = 0;
  #rawLines = 0;
  #distinctLines = 0;
  readonly #hashIpOnce = (ip: string) => {
    let key = this.#ipKeys.get(ip);
    if (key === undefined) {
      key = this.options.hashIp(ip);
      this.#ipKeys.set(ip, key);
    }
    return key;
  };

  constructor(
    readonly hour: string,
    private readonly refiners: (hasXAnalytics: boolean) => Refiner,
    private readonly options: HourProcessorOptions,
  ) {}

  add(line: string, format: InputFormat, request: RawRequest | LineParser): void {
    const lineKey = hash("sha1", line, "base64");
    const seenOwn = this.#seen.get(lineKey);
    if (seenOwn !== undefined) {
      if (seenOwn) this.#rawLines++;
      return;
    }
    const parsed = typeof request === "function" ? request(line) : request;
    if (typeof parsed === "string" || hourOf(parsed.dt) !== this.hour) {
      this.#seen.set(lineKey, true);
      this.#rawLines++;
      this.#distinctLines++;
      this.#malformedLines++;
      return;
    }
    const { shard } = this.options;
    const own = shard === undefined || shardOf(parsed, shard.count) === shard.index;
    this.#seen.set(lineKey, own);
    const { refinePageview } = this.refiners(carriesXAnalytics(format));
    if (!own) {
      // Another worker's actor: only its diff views count here, towards the diff-IP groups.
      if (!mayGiveDiffEvidence(parsed)) return;
      const refined = refinePageview(parsed);
      const observation = refined && observeActor(parsed, refinedFacts(refined), this.#hashIpOnce);
      if (observation?.diffEvidence)
        this.#metrics.addDiffEvidence(observation.ipKey, observation.diffEvidence);
      return;
    }
    this.#rawLines++;
    this.#distinctLines++;
    // Only pageviews and redirects to them count towards the hour's rows and actor metrics.
    const refined = refinePageview(parsed);
    if (refined === null) return;
    const { record } = refined;
    const observation = observeActor(parsed, refinedFacts(refined), this.#hashIpOnce);
    if (observation) this.#metrics.add(observation);
    // pageview_hourly keeps pageviews with a project (redirects feed only the actor metrics).
    if (record.is_pageview && record.project) {
      this.#aggregate.add(record, observation?.actorSignature ?? null);
    }
  }

  async finish(): Promise<HourOutcome> {
    const { hour } = this;
    const aggregate = this.#aggregate;
    const hourMetrics = this.#metrics.build(hour);
    const earlier = await this.options.store.actorMetrics(
      addHours(hour, -(ROLLUP_WINDOW_HOURS - 1)),
      addHours(hour, -1),
      aggregate.actorSignatures(),
    );
    const automated = automatedActors(
      rollUp(hour, [...earlier, ...hourMetrics]).filter((rollup) =>
        aggregate.hasActor(rollup.actorSignature),
      ),
    );
    const { rows, automatedByReason } = aggregate.rowsWithLabels(automated);
    const pageviewsByAgent = new Map<string, number>();
    for (const row of rows) {
      pageviewsByAgent.set(row.agent_type, (pageviewsByAgent.get(row.agent_type) ?? 0) + row.views);
    }
    return {
      processed: {
        hour,
        pageviews: rows,
        actorMetrics: hourMetrics,
        automatedActors: [...automated].map(([actorSignature, reasons]) => ({ actorSignature, reasons })),
        report: {
          definitionVersion: this.options.definitionVersion,
          rawFingerprint: "",
          rawLines: this.#rawLines,
          distinctLines: this.#distinctLines,
          malformedLines: this.#malformedLines,
          processedAt: new Date(),
        },
      },
      pageviewsByAgent,
      automatedByReason,
    };
  }
}

function refinedFacts({ record, xAnalytics }: Refined): RefinedRequestFacts {
  return {
    isPageview: record.is_pageview,
    isRedirectToPageview: record.is_redirect_to_pageview,
    project: record.project,
    pageTitle: record.article,
    agentType: record.agent_type,
    countryCode: record.country_code,
    xAnalytics,
  };
}
