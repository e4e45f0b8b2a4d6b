import type { ActorRollup } from "../definition/actor-label.ts";
import { addHours, epochMsToHour, HOUR_MS, hourToEpochMs } from "../hours.ts";
import type { ActorObservation } from "./actor-observation.ts";
import {
  type DiffEvidence,
  type DiffIpFeatures,
  DiffIpGroupsBuilder,
  NO_DIFF_IP_FEATURES,
} from "./diff-ip-groups.ts";

/**
 * One actor's activity in one hour (Wikimedia's `webrequest_actor_metrics_hourly`), per
 * (signature, is_pageview, is_redirect_to_pageview, IP). Pseudonymous: the signature and IP key are
 * hashes, and nothing else here identifies a person.
 */
export interface ActorHourlyMetrics {
  /** UTC hour, `YYYYMMDDHH`. */
  hour: string;
  actorSignature: string;
  isPageview: boolean;
  isRedirectToPageview: boolean;
  ipKey: string;
  pageviewCount: number;
  /** Epoch seconds of the first and last request. */
  firstTs: number;
  lastTs: number;
  /** `null` when all requests fell in the same second. */
  pageviewRatePerMin: number | null;
  nocookies: number;
  userAgentLength: number;
  distinctPagesVisited: number;
  /** The IP's diff-IP features for the hour (see `diff-ip-groups.ts`); 0 when it viewed no suspect diff. */
  maxDiffIpGroupSize: number;
  diffIpGroupCount: number;
}

/**
 * Wikimedia's `CAST(count / (last − first seconds) * 60 AS INT)`, in the same order of double
 * operations. Division by zero is SQL NULL.
 */
export function pageviewRatePerMinute(pageviewCount: number, firstTs: number, lastTs: number): number | null {
  const seconds = lastTs - firstTs;
  return seconds === 0 ? null : Math.trunc((pageviewCount / seconds) * 60);
}

interface HourAccumulator {
  isPageview: boolean;
  isRedirectToPageview: boolean;
  ipKey: string;
  pageviewCount: number;
  firstTs: number;
  lastTs: number;
  nocookies: number;
  userAgentLength: number;
  /** Most actors read one page an hour, so a set is only made for the second distinct title. */
  pages: string | Set<string> | null;
}

/**
 * Aggregates one hour of observations into hourly actor metrics. Memory grows with the distinct
 * actors (and their distinct pages), not with the number of requests.
 */
export class HourlyActorMetricsBuilder {
  /** Keyed by signature; a signature nearly always has one IP and one kind, so the lists are tiny. */
  readonly #actors = new Map<string, HourAccumulator[]>();
  readonly #diffs = new DiffIpGroupsBuilder();

  add(o: ActorObservation): void {
    let accumulators = this.#actors.get(o.actorSignature);
    if (accumulators === undefined) {
      accumulators = [];
      this.#actors.set(o.actorSignature, accumulators);
    }
    const acc = findAccumulator(accumulators, o) ?? newAccumulator(accumulators, o);
    acc.pageviewCount++;
    if (o.ts < acc.firstTs) acc.firstTs = o.ts;
    if (o.ts > acc.lastTs) acc.lastTs = o.ts;
    acc.nocookies += o.nocookies;
    if (o.userAgentLength > acc.userAgentLength) acc.userAgentLength = o.userAgentLength;
    if (o.pageTitle !== null) acc.pages = withPage(acc.pages, o.pageTitle);
    if (o.diffEvidence !== null) this.#diffs.add(o.ipKey, o.diffEvidence);
  }

  /** Diff evidence of another worker's actor: it only counts towards the diff-IP groups. */
  addDiffEvidence(ipKey: string, evidence: DiffEvidence): void {
    this.#diffs.add(ipKey, evidence);
  }

  build(hour: string): ActorHourlyMetrics[] {
    const diffFeatures = this.#diffs.build();
    const rows: ActorHourlyMetrics[] = [];
    for (const [actorSignature, accumulators] of this.#actors) {
      for (const acc of accumulators) {
        const diff = diffFeatures.get(acc.ipKey) ?? NO_DIFF_IP_FEATURES;
        rows.push({
          hour,
          actorSignature,
          isPageview: acc.isPageview,
          isRedirectToPageview: acc.isRedirectToPageview,
          ipKey: acc.ipKey,
          pageviewCount: acc.pageviewCount,
          firstTs: acc.firstTs,
          lastTs: acc.lastTs,
          pageviewRatePerMin: pageviewRatePerMinute(acc.pageviewCount, acc.firstTs, acc.lastTs),
          // Wikimedia sums through a double into a BIGINT column.
          nocookies: Math.trunc(acc.nocookies),
          userAgentLength: acc.userAgentLength,
          distinctPagesVisited: acc.pages === null ? 0 : typeof acc.pages === "string" ? 1 : acc.pages.size,
          maxDiffIpGroupSize: diff.maxDiffIpGroupSize,
          diffIpGroupCount: diff.diffIpGroupCount,
        });
      }
    }
    return rows;
  }
}

function findAccumulator(accumulators: HourAccumulator[], o: ActorObservation): HourAccumulator | undefined {
  for (const acc of accumulators) {
    if (
      acc.ipKey === o.ipKey &&
      acc.isPageview === o.isPageview &&
      acc.isRedirectToPageview === o.isRedirectToPageview
    ) {
      return acc;
    }
  }
  return undefined;
}

function newAccumulator(accumulators: HourAccumulator[], o: ActorObservation): HourAccumulator {
  const acc: HourAccumulator = {
    isPageview: o.isPageview,
    isRedirectToPageview: o.isRedirectToPageview,
    ipKey: o.ipKey,
    pageviewCount: 0,
    firstTs: o.ts,
    lastTs: o.ts,
    nocookies: 0,
    userAgentLength: 0,
    pages: null,
  };
  accumulators.push(acc);
  return acc;
}

function withPage(pages: string | Set<string> | null, title: string): string | Set<string> {
  if (pages === null) return title;
  if (typeof pages === "string") return pages === title ? pages : new Set([pages, title]);
  pages.add(title);
  return pages;
}

export const ROLLUP_WINDOW_HOURS = 24;

/**
 * The hourly partitions a rollup reads: the 24 hours ending at (and including) `endHour`, oldest
 * first. The hour exactly 24 hours before is not part of it.
 */
export function rollupWindow(endHour: string): string[] {
  const end = hourToEpochMs(endHour);
  const hours: string[] = [];
  for (let i = ROLLUP_WINDOW_HOURS - 1; i >= 0; i--) hours.push(epochMsToHour(end - i * HOUR_MS));
  return hours;
}

/** The later hours whose rollup windows hold `hour`: their labels read its actor metrics. */
export function laterHoursReading(hour: string): string[] {
  const hours: string[] = [];
  for (let step = 1; step < ROLLUP_WINDOW_HOURS; step++) hours.push(addHours(hour, step));
  return hours;
}

interface RollupAccumulator {
  actorSignature: string;
  isPageview: boolean;
  isRedirectToPageview: boolean;
  pageviewCount: number;
  firstTs: number;
  lastTs: number;
  nocookies: number;
  userAgentLength: number;
  distinctPagesSum: number;
  rows: number;
  rolledUpHours: number;
  ipKey: string;
  /** Further IPs of the actor: only an MD5 collision makes any, since the signature hashes the IP. */
  otherIpKeys: Set<string> | null;
}

/**
 * Rolls hourly metrics up per (signature, is_pageview, is_redirect_to_pageview) over the window
 * ending at `endHour`; rows from other hours are ignored, so the caller may pass more.
 *
 * Diff-IP features describe an IP, not an actor: every actor on the IP carries the same hourly
 * values. They are therefore rolled up per IP first (max of the sizes, sum of the counts, each IP
 * and hour counted once) and then given to each actor seen on that IP (the max over its IPs; the
 * signature hashes the IP, so there is one in practice).
 */
export function rollUp(endHour: string, rows: Iterable<ActorHourlyMetrics>): ActorRollup[] {
  const window = new Set(rollupWindow(endHour));
  const actors = new Map<string, RollupAccumulator[]>();
  const ipDiffs = new Map<string, DiffIpFeatures>();
  const ipHoursSeen = new Set<string>();

  for (const row of rows) {
    if (!window.has(row.hour)) continue;
    let accumulators = actors.get(row.actorSignature);
    if (accumulators === undefined) {
      accumulators = [];
      actors.set(row.actorSignature, accumulators);
    }
    const acc = findRollupAccumulator(accumulators, row) ?? newRollupAccumulator(accumulators, row);
    acc.pageviewCount += row.pageviewCount;
    if (row.firstTs < acc.firstTs) acc.firstTs = row.firstTs;
    if (row.lastTs > acc.lastTs) acc.lastTs = row.lastTs;
    acc.nocookies += row.nocookies;
    if (row.userAgentLength > acc.userAgentLength) acc.userAgentLength = row.userAgentLength;
    acc.distinctPagesSum += row.distinctPagesVisited;
    acc.rows++;
    if (row.distinctPagesVisited > 0) acc.rolledUpHours++;
    if (row.ipKey !== acc.ipKey) {
      acc.otherIpKeys ??= new Set();
      acc.otherIpKeys.add(row.ipKey);
    }

    if (row.diffIpGroupCount > 0) {
      const ipHour = `${row.hour}|${row.ipKey}`;
      if (!ipHoursSeen.has(ipHour)) {
        ipHoursSeen.add(ipHour);
        addIpHour(ipDiffs, row);
      }
    }
  }

  const rollups: ActorRollup[] = [];
  for (const accumulators of actors.values()) {
    for (const acc of accumulators) rollups.push(finishRollup(acc, ipDiffs));
  }
  return rollups;
}

function addIpHour(ipDiffs: Map<string, DiffIpFeatures>, row: ActorHourlyMetrics): void {
  const ip = ipDiffs.get(row.ipKey);
  if (ip === undefined) {
    ipDiffs.set(row.ipKey, {
      maxDiffIpGroupSize: row.maxDiffIpGroupSize,
      diffIpGroupCount: row.diffIpGroupCount,
    });
  } else {
    ip.maxDiffIpGroupSize = Math.max(ip.maxDiffIpGroupSize, row.maxDiffIpGroupSize);
    ip.diffIpGroupCount += row.diffIpGroupCount;
  }
}

function findRollupAccumulator(
  accumulators: RollupAccumulator[],
  row: ActorHourlyMetrics,
): RollupAccumulator | undefined {
  for (const acc of accumulators) {
    if (acc.isPageview === row.isPageview && acc.isRedirectToPageview === row.isRedirectToPageview)
      return acc;
  }
  return undefined;
}

function newRollupAccumulator(accumulators: RollupAccumulator[], row: ActorHourlyMetrics): RollupAccumulator {
  const acc: RollupAccumulator = {
    actorSignature: row.actorSignature,
    isPageview: row.isPageview,
    isRedirectToPageview: row.isRedirectToPageview,
    pageviewCount: 0,
    firstTs: row.firstTs,
    lastTs: row.lastTs,
    nocookies: 0,
    userAgentLength: 0,
    distinctPagesSum: 0,
    rows: 0,
    rolledUpHours: 0,
    ipKey: row.ipKey,
    otherIpKeys: null,
  };
  accumulators.push(acc);
  return acc;
}

function finishRollup(acc: RollupAccumulator, ipDiffs: ReadonlyMap<string, DiffIpFeatures>): ActorRollup {
  let { maxDiffIpGroupSize, diffIpGroupCount } = ipDiffs.get(acc.ipKey) ?? NO_DIFF_IP_FEATURES;
  for (const ipKey of acc.otherIpKeys ?? []) {
    const ip = ipDiffs.get(ipKey) ?? NO_DIFF_IP_FEATURES;
    maxDiffIpGroupSize = Math.max(maxDiffIpGroupSize, ip.maxDiffIpGroupSize);
    diffIpGroupCount = Math.max(diffIpGroupCount, ip.diffIpGroupCount);
  }
  return {
    actorSignature: acc.actorSignature,
    isPageview: acc.isPageview,
    isRedirectToPageview: acc.isRedirectToPageview,
    pageviewCount: acc.pageviewCount,
    pageviewRatePerMin: pageviewRatePerMinute(acc.pageviewCount, acc.firstTs, acc.lastTs),
    nocookies: acc.nocookies,
    userAgentLength: acc.userAgentLength,
    avgDistinctPagesVisited: acc.distinctPagesSum / acc.rows,
    rolledUpHours: acc.rolledUpHours,
    maxDiffIpGroupSize,
    diffIpGroupCount,
  };
}

/**
 * The actors, and their IPs, whose metrics differ between two versions of one hour's metrics. The
 * labels of a later hour read an earlier hour only through its actors' rows and the diff-IP features
 * those rows carry for their IP, so a later hour with none of these actors and IPs keeps its labels.
 */
export interface ChangedActors {
  actorSignatures: Set<string>;
  ipKeys: Set<string>;
}

export function changedActors(
  before: readonly ActorHourlyMetrics[],
  after: readonly ActorHourlyMetrics[],
  into: ChangedActors = { actorSignatures: new Set(), ipKeys: new Set() },
): ChangedActors {
  // An hour has a row per signature, kind of traffic and IP (see HourlyActorMetricsBuilder).
  const rowKey = (row: ActorHourlyMetrics) =>
    `${row.actorSignature}|${row.isPageview}|${row.isRedirectToPageview}|${row.ipKey}`;
  const previous = new Map(before.map((row) => [rowKey(row), row]));
  const changed = (row: ActorHourlyMetrics) => {
    into.actorSignatures.add(row.actorSignature);
    into.ipKeys.add(row.ipKey);
  };
  for (const row of after) {
    const key = rowKey(row);
    const old = previous.get(key);
    previous.delete(key);
    // A row's key holds its signature and IP: an old row with the key names the same ones.
    if (old === undefined || !sameMetrics(old, row)) changed(row);
  }
  for (const gone of previous.values()) changed(gone);
  return into;
}

/**
 * The changes under an hour's labels since they were computed (`checkedAt`): the records of the
 * earlier hours in its window stored after that (`storedAt`, 0 for not at all). Null when one of
 * those has no record, so that nothing says the labels still hold.
 */
export function changesUnderLabels(
  hour: string,
  checkedAt: number,
  storedAt: (hour: string) => number,
  records: ReadonlyMap<string, ChangedActors>,
): ChangedActors[] | null {
  const changes: ChangedActors[] = [];
  for (const earlier of rollupWindow(hour).slice(0, -1)) {
    if (storedAt(earlier) <= checkedAt) continue;
    const change = records.get(earlier);
    if (change === undefined) return null;
    changes.push(change);
  }
  return changes;
}

/** Whether an hour with these actor metrics reads none of the changed actors and IPs. */
export function readsNoneOf(
  actors: readonly Pick<ActorHourlyMetrics, "actorSignature" | "ipKey">[],
  changes: readonly ChangedActors[],
): boolean {
  return actors.every(({ actorSignature, ipKey }) =>
    changes.every((change) => !change.actorSignatures.has(actorSignature) && !change.ipKeys.has(ipKey)),
  );
}

function sameMetrics(a: ActorHourlyMetrics, b: ActorHourlyMetrics): boolean {
  return (
    a.pageviewCount === b.pageviewCount &&
    a.firstTs === b.firstTs &&
    a.lastTs === b.lastTs &&
    a.pageviewRatePerMin === b.pageviewRatePerMin &&
    a.nocookies === b.nocookies &&
    a.userAgentLength === b.userAgentLength &&
    a.distinctPagesVisited === b.distinctPagesVisited &&
    a.maxDiffIpGroupSize === b.maxDiffIpGroupSize &&
    a.diffIpGroupCount === b.diffIpGroupCount
  );
}
