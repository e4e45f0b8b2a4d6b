import type { RawRequest } from "../definition/types.ts";
import { parseXAnalytics } from "../definition/x-analytics.ts";
import { fnv1a } from "../fnv1a.ts";
import type { ShardSpec } from "../store/store.ts";
import { requestActorSignature } from "./actor-observation.ts";

/**
 * Splitting the work of an hour between workers. Every request goes to the shard of its actor
 * (`actor_signature_per_project_family`), so each worker sees all of its actors' requests: their
 * metrics, 24-hour rollups and labels are computed by that worker alone, and the pageview rows of all
 * shards sum to the hour's. One feature crosses actors: the diff-IP groups (IPs viewing the same
 * diffs), so every worker also reads the `/w/index.php` requests of the other shards, for that only.
 */

const SHARD_SPEC = /^(\d+)\/(\d+)$/;
export const MAX_SHARDS = 256;

/** Parses `i/N` (0 ≤ i < N ≤ 256), as `pageviews worker --shard` takes it. */
export function parseShardSpec(text: string): ShardSpec {
  const match = SHARD_SPEC.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new RangeError(
      `A shard is "i/N", with N workers in all (1 to ${MAX_SHARDS}) and this one's number i from 0 to N-1; got "${text}".`,
    );
  }
  return { index, count };
}

export function formatShardSpec(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

/** The shard of a request's actor; requests without a signature go by their IP. */
export function shardOf(request: RawRequest, count: number): number {
  if (count === 1) return 0;
  const signature = requestActorSignature(request, parseXAnalytics(request.x_analytics));
  // An md5 in hex: its first 8 digits are as evenly spread as the whole.
  if (signature !== null) return Number.parseInt(signature.slice(0, 8), 16) % count;
  return fnv1a(request.ip) % count;
}
