import { hash } from "node:crypto";
import { automatedActors } from "../definition/actor-label.ts";
import type { RawRequest } from "../definition/types.ts";
import { addHours, hourOf } from "../hours.ts";
import { createRefiners, type RefineDependencies, type Refined } from "../refine/refine.ts";
import { parseCombinedLine } from "../sources/combined-log.ts";
import { carriesXAnalytics, type InputFormat } from "../sources/index.ts";
import { parseWebrequestLine } from "../sources/webrequest-json.ts";
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
}

export function createHourProcessor(options: {
  refineDependencies: RefineDependencies;
  hashIp: IpHasher;
  /** Where the earlier hours' actor metrics are read, for the 24-hour rollup. */
  store: Pick<Store, "actorMetrics">;
  definitionVersion: string;
  /** Process only this shard's actors (see shard.ts); every request is this process's when absent. */
  shard?: ShardSpec;
}): HourProcessor {
  const { refineDependencies, hashIp, store, definitionVersion, shard } = options;
  const refiners = createRefiners(refineDependencies);

  return {
    async process(hour, segments) {
      // Wikimedia's refine drops exact-duplicate raw rows (a DISTINCT over every column); it also makes
      // landing the same lines twice harmless. Lines are known by their SHA-1, not kept: keeping them
      // kept the hour's whole text alive until the hour was stored (the lines of a segment read back are
      // slices of one string). Each line maps to whether it is this shard's.
      const seen = new Map<string, boolean>();
      // Readers request several pages, so one keyed hash per IP and hour is enough.
      const ipKeys = new Map<string, string>();
      const hashIpOnce = (ip: string) => {
        let key = ipKeys.get(ip);
        if (key === undefined) {
          key = hashIp(ip);
          ipKeys.set(ip, key);
        }
        return key;
      };
      // Lines were checked when they landed: only a segment altered since can hold malformed lines.
      let malformedLines = 0;
      const metrics = new HourlyActorMetricsBuilder();
      const aggregate = new HourAggregate();
      const pageviewsByAgent = new Map<string, number>();
      let rawLines = 0;
      let distinctLines = 0;

      for await (const segment of segments) {
        const refine = refiners(carriesXAnalytics(segment.format));
        const parse = lineParser(segment);
        for (const line of segment.lines) {
          const lineKey = hash("sha1", line, "base64");
          const seenOwn = seen.get(lineKey);
          if (seenOwn !== undefined) {
            if (seenOwn) rawLines++;
            continue;
          }
          const request = parse(line);
          if (typeof request === "string" || hourOf(request.dt) !== hour) {
            seen.set(lineKey, true);
            rawLines++;
            distinctLines++;
            malformedLines++;
            continue;
          }
          const own = shard === undefined || shardOf(request, shard.count) === shard.index;
          seen.set(lineKey, own);
          if (!own) {
            // Another worker's actor: only its diff views count here, towards the diff-IP groups.
            if (!mayGiveDiffEvidence(request)) continue;
            const observation = observeActor(request, refinedFacts(refine(request)), hashIpOnce);
            if (observation?.diffEvidence)
              metrics.addDiffEvidence(observation.ipKey, observation.diffEvidence);
            continue;
          }
          rawLines++;
          distinctLines++;
          const refined = refine(request);
          const { record } = refined;
          if (!record.is_pageview && !record.is_redirect_to_pageview) continue;
          const observation = observeActor(request, refinedFacts(refined), hashIpOnce);
          if (observation) metrics.add(observation);
          // pageview_hourly keeps pageviews with a project (redirects feed only the actor metrics).
          if (record.is_pageview && record.project) {
            aggregate.add(record, observation?.actorSignature ?? null);
          }
        }
      }

      const hourMetrics = metrics.build(hour);
      const earlier = await store.actorMetrics(
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
            definitionVersion,
            rawFingerprint: "",
            rawLines,
            distinctLines,
            malformedLines,
            processedAt: new Date(),
          },
        },
        pageviewsByAgent,
        automatedByReason,
      };
    },
  };
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

function lineParser(segment: SegmentLines): (line: string) => RawRequest | string {
  if (segment.format === "webrequest") return parseWebrequestLine;
  const options = { vhost: segment.format === "vhost_combined", host: segment.host };
  return (line) => parseCombinedLine(line, options);
}
