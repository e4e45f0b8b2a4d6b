import { createHash } from "node:crypto";
import type { HourState, ShardSpec } from "./store.ts";

/**
 * What both stores share about shards' shares of an hour (see {@link Store.replaceHourPart}): which
 * shards are valid, and when and how the shares make up the hour.
 */

/** Shard columns are 16-bit integers in both stores (SMALLINT, UInt16). */
const MAX_SHARD_COUNT = 32_767;

/** A whole hour written at once is the only shard of one. */
export const WHOLE_HOUR: ShardSpec = { index: 0, count: 1 };

/** Refuses a shard that is not one of `count` (1 to 32 767) shards. */
export function checkShard(shard: ShardSpec): void {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARD_COUNT) {
    throw new RangeError(`A shard count must be an integer from 1 to ${MAX_SHARD_COUNT}: ${count}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`A shard index must be an integer from 0 to ${count - 1}: ${index}`);
  }
}

/** A share's row of `hour_parts`. */
export interface PartState extends HourState {
  shardIndex: number;
}

/**
 * The `hours` row of an hour whose shares of `count` shards are all there with one definition version
 * (the sums of their counters, the latest processing time), or null while one is missing.
 */
export function completedHour(parts: readonly PartState[], count: number): HourState | null {
  const sorted = [...parts].sort((a, b) => a.shardIndex - b.shardIndex);
  const first = sorted[0];
  if (first === undefined || sorted.length !== count) return null;
  if (sorted.some((part, i) => part.shardIndex !== i || part.definitionVersion !== first.definitionVersion)) {
    return null;
  }
  const sum = (field: "rawLines" | "distinctLines" | "malformedLines" | "pageviews") =>
    sorted.reduce((total, part) => total + part[field], 0);
  return {
    hour: first.hour,
    definitionVersion: first.definitionVersion,
    rawFingerprint: partsFingerprint(sorted.map((part) => part.rawFingerprint)),
    rawLines: sum("rawLines"),
    distinctLines: sum("distinctLines"),
    malformedLines: sum("malformedLines"),
    processedAt: new Date(Math.max(...sorted.map((part) => part.processedAt.getTime()))),
    pageviews: sum("pageviews"),
  };
}

/**
 * Identifies the shares an hour was summed from (their fingerprints in shard order). The prefix keeps
 * it from ever equalling a raw-zone fingerprint (16 hex digits), so a whole-hour check never takes
 * an hour summed from shares for one computed from the raw zone.
 */
function partsFingerprint(fingerprints: readonly string[]): string {
  const digest = createHash("sha256").update(fingerprints.join("\n")).digest("hex").slice(0, 16);
  return `shards-${fingerprints.length}:${digest}`;
}
