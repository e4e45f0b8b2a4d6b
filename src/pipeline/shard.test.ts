import { describe, expect, it } from "vitest";
import { formatWebrequest, generateRequests } from "../generate/traffic.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { parseWebrequestLine } from "../sources/webrequest-json.ts";
import type { PageviewHourlyRow, ShardSpec } from "../store/store.ts";
import { mayGiveDiffEvidence } from "./actor-observation.ts";
import { ipHasher } from "./ingest.ts";
import { createHourProcessor, type HourOutcome } from "./process-hour.ts";
import { formatShardSpec, parseShardSpec, shardOf } from "./shard.ts";

const HOUR = "2026011514";
const refineDependencies = loadRefineDependencies();
// One hour of generated traffic: readers, crawlers, automated actors, and the diff ring (many IPs
// viewing the same diffs), whose diff-IP groups span shards.
const lines = [
  ...generateRequests({ seed: 11, start: new Date("2026-01-15T14:00:00Z"), hours: 1, lines: 30_000 }),
].map(formatWebrequest);

function processHour(hourLines: readonly string[], shard?: ShardSpec): Promise<HourOutcome> {
  const processor = createHourProcessor({
    refineDependencies,
    hashIp: ipHasher(Buffer.alloc(32, 7)),
    store: { actorMetrics: async () => [] },
    definitionVersion: "test",
    shard,
  });
  return processor.process(
    HOUR,
    (async function* () {
      yield { format: "webrequest" as const, host: undefined, lines: hourLines };
    })(),
  );
}

function viewsByKey(rows: readonly PageviewHourlyRow[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const { views, ...key } of rows) {
    const name = JSON.stringify(key);
    sums.set(name, (sums.get(name) ?? 0) + views);
  }
  return sums;
}

function sorted<T>(items: readonly T[]): string[] {
  return items.map((item) => JSON.stringify(item)).sort();
}

describe("shard specs", () => {
  it("reads i/N and writes it back", () => {
    expect(parseShardSpec("1/4")).toEqual({ index: 1, count: 4 });
    expect(formatShardSpec(parseShardSpec(" 0/1 "))).toBe("0/1");
  });

  it.each(["4/4", "-1/2", "1/0", "1", "a/b", "0/257", "1/2/3"])("refuses %s with what a shard is", (text) => {
    expect(() => parseShardSpec(text)).toThrow(/"i\/N"/);
  });
});

describe("routing requests to shards", () => {
  const requests = lines.map((line) => parseWebrequestLine(line)).filter((r) => typeof r !== "string");

  it("sends every request of one client to one site to the same shard", () => {
    const shardsOfClient = new Map<string, Set<number>>();
    for (const request of requests) {
      const client = `${request.ip} ${request.user_agent} ${request.accept_language} ${request.x_analytics} ${request.uri_host}`;
      const shards = shardsOfClient.get(client) ?? new Set();
      shards.add(shardOf(request, 3));
      shardsOfClient.set(client, shards);
    }
    expect(shardsOfClient.size).toBeGreaterThan(100);
    for (const shards of shardsOfClient.values()) expect(shards.size).toBe(1);
  });

  it("spreads actors about evenly", () => {
    const counts = [0, 0, 0];
    for (const request of requests) counts[shardOf(request, 3)] = (counts[shardOf(request, 3)] ?? 0) + 1;
    for (const count of counts) expect(count / requests.length).toBeGreaterThan(0.2);
  });

  it("puts everything in shard 0 of 1", () => {
    expect(new Set(requests.map((request) => shardOf(request, 1)))).toEqual(new Set([0]));
  });
});

describe("processing an hour in shares", () => {
  it("gives shares that sum to the whole hour: pageviews, actor metrics, labels and counts", async () => {
    const whole = await processHour(lines);
    const shares = await Promise.all([0, 1, 2].map((index) => processHour(lines, { index, count: 3 })));

    const summed = viewsByKey(shares.flatMap((share) => share.processed.pageviews));
    expect(summed).toEqual(viewsByKey(whole.processed.pageviews));
    expect(sorted(shares.flatMap((share) => share.processed.actorMetrics))).toEqual(
      sorted(whole.processed.actorMetrics),
    );
    expect(sorted(shares.flatMap((share) => share.processed.automatedActors))).toEqual(
      sorted(whole.processed.automatedActors),
    );
    const total = (pick: (outcome: HourOutcome) => number) => shares.reduce((sum, s) => sum + pick(s), 0);
    expect(total((s) => s.processed.report.rawLines)).toBe(whole.processed.report.rawLines);
    expect(total((s) => s.processed.report.distinctLines)).toBe(whole.processed.report.distinctLines);
    // The traffic exercises the labels, in more than one share, and every share has its pageviews.
    expect(whole.automatedByReason.get("ip with spider behavior")).toBeGreaterThan(0);
    expect(shares.filter((share) => share.processed.automatedActors.length > 0).length).toBeGreaterThan(1);
    for (const share of shares) expect(share.processed.pageviews.length).toBeGreaterThan(0);
  });

  it("needs the other shards' diff views: without them, diff-IP groups come out too small", async () => {
    const whole = await processHour(lines);
    const shard = { index: 0, count: 2 };
    const ownLinesOnly = lines.filter((line) => {
      const request = parseWebrequestLine(line);
      return typeof request !== "string" && shardOf(request, 2) === 0;
    });
    const withContext = lines.filter((line) => {
      const request = parseWebrequestLine(line);
      return typeof request !== "string" && (shardOf(request, 2) === 0 || mayGiveDiffEvidence(request));
    });
    const wholeMetrics = sorted(whole.processed.actorMetrics);
    const isWhole = (outcome: HourOutcome) =>
      sorted(outcome.processed.actorMetrics).every((metrics) => wholeMetrics.includes(metrics));
    expect(isWhole(await processHour(withContext, shard))).toBe(true);
    expect(isWhole(await processHour(ownLinesOnly, shard))).toBe(false);
  });
});
