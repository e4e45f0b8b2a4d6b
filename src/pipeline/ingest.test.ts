import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RawRequest } from "../definition/types.ts";
import { formatWebrequest, generateRequests } from "../generate/traffic.ts";
import { hourOf } from "../hours.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { createRefiner } from "../refine/refine.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { RawZone } from "../store/raw-zone.ts";
import { ALL_PROJECTS, type ProcessedHour } from "../store/store.ts";
import { type IngestStore, ingest, ipHasher } from "./ingest.ts";

const dependencies = loadRefineDependencies();
const { refine } = createRefiner(dependencies, { hasXAnalytics: true });
const secretKey = randomBytes(32);

/** Three hours of traffic, 10:00 to 13:00 on 2026-01-15. */
const requests = [
  ...generateRequests({ seed: 11, start: new Date("2026-01-15T10:00:00Z"), hours: 3, lines: 6_000 }),
];
const HOURS = ["2026011510", "2026011511", "2026011512"];

function pageviewsByHour(of: readonly RawRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of of) {
    const { record } = refine(request);
    if (record.is_pageview && record.project) counts.set(record.hour, (counts.get(record.hour) ?? 0) + 1);
  }
  return counts;
}

let dir: string;
let store: DuckDbStore;
let rawZone: RawZone;
let linesReadBack: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "pageviews-ingest-run-"));
  store = await DuckDbStore.open(":memory:");
  rawZone = new RawZone(dir);
  linesReadBack = [];
  const readLines = rawZone.readLines.bind(rawZone);
  rawZone.readLines = async (segment) => {
    linesReadBack.push(segment.hour);
    return readLines(segment);
  };
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function inputFile(name: string, of: readonly RawRequest[]): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(of.map((request) => `${formatWebrequest(request)}\n`).join("")));
  return path;
}

function run(inputs: string[], ingestStore: IngestStore = store) {
  return ingest(
    inputs,
    { format: "webrequest", bufferBytes: 1024 },
    { store: ingestStore, rawZone, refineDependencies: dependencies, secretKey },
  );
}

/** The test's store, but storing the hours `fails` picks fails as a full disk would. */
function storeFailingOn(fails: (hour: string) => boolean): IngestStore {
  return {
    hourStates: () => store.hourStates(),
    hourPartStates: (shard) => store.hourPartStates(shard),
    actorMetrics: (...args) => store.actorMetrics(...args),
    replaceHour: async (processed: ProcessedHour) => {
      if (fails(processed.hour)) throw new Error("disk full (test)");
      await store.replaceHour(processed);
    },
    replaceHourPart: (part) => store.replaceHourPart(part),
    refreshServing: (days, options) => store.refreshServing(days, options),
  };
}

async function storedPageviews(): Promise<Map<string, number>> {
  return new Map([...(await store.hourStates())].map(([hour, state]) => [hour, state.pageviews]));
}

describe("ingest", () => {
  it("processes new hours from their lines as they are read, never reading them back", async () => {
    const report = await run([inputFile("day.json.gz", requests)]);
    expect(report.hoursUpdated).toEqual(HOURS);
    expect(linesReadBack).toEqual([]);
    expect(await storedPageviews()).toEqual(pageviewsByHour(requests));
    // Every line is landed, one segment per hour.
    for (const hour of HOURS) {
      const segments = await rawZone.segments(hour);
      expect(segments).toHaveLength(1);
      expect(segments[0]?.lines).toBe(requests.filter((request) => hourOf(request.dt) === hour).length);
    }
  });

  it("processes an hour that had raw data before the run from the raw zone, whole", async () => {
    const firstHalf = requests.filter((_, i) => i % 2 === 0);
    const secondHalf = requests.filter((_, i) => i % 2 === 1);
    await run([inputFile("first.json.gz", firstHalf)]);
    linesReadBack = [];
    await run([inputFile("second.json.gz", secondHalf)]);
    expect(new Set(linesReadBack)).toEqual(new Set(HOURS));
    expect(await storedPageviews()).toEqual(pageviewsByHour(requests));
  });

  it("processes hours an earlier run landed and did not store, even when its input has other hours", async () => {
    const [killedHour, ...otherHours] = HOURS as [string, ...string[]];
    const ofHour = (hour: string) => requests.filter((request) => hourOf(request.dt) === hour);
    await rawZone.land(killedHour, "webrequest", undefined, ofHour(killedHour).map(formatWebrequest));
    const report = await run([inputFile("rest.json.gz", otherHours.flatMap(ofHour))]);
    expect(report.hoursUpdated).toEqual(HOURS);
    expect(await storedPageviews()).toEqual(pageviewsByHour(requests));
    // Once stored, it is up to date: a run with nothing new leaves it alone.
    const again = await run([inputFile("none.json.gz", [])]);
    expect(again.hoursUpdated).toEqual([]);
  });

  it("stops with the store's error, and leaves no partial segment of the hours still open", async () => {
    const failing = storeFailingOn((hour) => hour === "2026011511");
    await expect(run([inputFile("day.json.gz", requests)], failing)).rejects.toThrow("disk full (test)");
    expect([...(await store.hourStates()).keys()]).toEqual(["2026011510"]);
    const leftovers = HOURS.flatMap((hour) =>
      readdirSync(rawZone.hourDir(hour)).filter((name) => name.endsWith(".tmp")),
    );
    expect(leftovers).toEqual([]);
    // The next run stores what the failed one left.
    await run([inputFile("day.json.gz", requests)]);
    expect(await storedPageviews()).toEqual(pageviewsByHour(requests));
  });

  it("labels again on the next run the later hours that a failed run left with labels from before", async () => {
    // Late lines of 10:00 from IPs seen later: the later hours' actors change, so they are labelled again.
    const laterIps = new Set(requests.filter((r) => hourOf(r.dt) > "2026011510").map((r) => r.ip));
    const late = new Set(requests.filter((r) => hourOf(r.dt) === "2026011510" && laterIps.has(r.ip)));
    await run([
      inputFile(
        "on-time.json.gz",
        requests.filter((request) => !late.has(request)),
      ),
    ]);
    // The late run stores 10:00 anew, then fails as it stores the first later hour labelled again.
    const failing = storeFailingOn((hour) => hour !== "2026011510");
    await expect(run([inputFile("late.json.gz", [...late])], failing)).rejects.toThrow("disk full (test)");
    const next = await run([inputFile("nothing.json.gz", [])]);
    expect(next.hoursUpdated).toEqual(["2026011511", "2026011512"]);
    const again = await run([inputFile("nothing.json.gz", [])]);
    expect(again.hoursUpdated).toEqual([]);

    // The same views per agent as one ingest of everything.
    const reference = await DuckDbStore.open(":memory:");
    try {
      await ingest(
        [inputFile("all.json.gz", requests)],
        { format: "webrequest" },
        {
          store: reference,
          rawZone: new RawZone(join(dir, "reference")),
          refineDependencies: dependencies,
          secretKey,
        },
      );
      for (const agent of ["user", "spider", "automated"] as const) {
        const query = {
          project: ALL_PROJECTS,
          access: "all-access",
          agent,
          granularity: "hourly",
          from: "2026011510",
          to: "2026011512",
        } as const;
        expect(await store.aggregate(query), agent).toEqual(await reference.aggregate(query));
      }
    } finally {
      await reference.close();
    }
  });
});

describe("ipHasher", () => {
  it("keys an IP by HMAC-SHA256 under the data directory's key, 16 base64url characters of it", () => {
    // Stored actor metrics carry these keys: a change of function would split actors across it.
    const key = Buffer.from("0123456789abcdef0123456789abcdef");
    const hashIp = ipHasher(key);
    for (const ip of ["192.0.2.1", "2001:db8::1", "198.51.100.7"]) {
      const expected = createHmac("sha256", key).update(ip).digest("base64url").slice(0, 16);
      expect(hashIp(ip)).toBe(expected);
      expect(hashIp(ip)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    expect(ipHasher(Buffer.from("another key of thirty-two bytes!"))("192.0.2.1")).not.toBe(
      hashIp("192.0.2.1"),
    );
  });
});
