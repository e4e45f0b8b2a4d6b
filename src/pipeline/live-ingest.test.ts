import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RawRequest } from "../definition/types.ts";
import { formatWebrequest, generateRequests } from "../generate/traffic.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { createRefiner } from "../refine/refine.ts";
import { sourceFromStream } from "../sources/index.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { RawZone } from "../store/raw-zone.ts";
import type { ProcessedHour } from "../store/store.ts";
import { LiveIngest, type LiveIngestContext } from "./live-ingest.ts";

const dependencies = loadRefineDependencies();
const secretKey = randomBytes(32);
const { refine } = createRefiner(dependencies, { hasXAnalytics: true });

/** Two hours of traffic, 10:00 to 12:00 on 2026-01-15. */
const requests = [
  ...generateRequests({ seed: 5, start: new Date("2026-01-15T10:00:00Z"), hours: 2, lines: 3_000 }),
];
const inHour = (hour: string) => requests.filter((r) => r.dt.startsWith(hour));
const hour10 = inHour("2026-01-15T10");
const hour11 = inHour("2026-01-15T11");

function pageviews(of: readonly RawRequest[]): number {
  return of.filter((request) => {
    const { record } = refine(request);
    return record.is_pageview && record.project !== null;
  }).length;
}

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(text);
}

function source(lines: readonly string[]) {
  return sourceFromStream("test", bytes(`${lines.join("\n")}\n`), { format: "auto" });
}

let dir: string;
let store: DuckDbStore;
let now: number;
let processed: string[];

async function startLive(storeUsed: LiveIngestContext["store"] = store, rawDir = dir): Promise<LiveIngest> {
  return LiveIngest.start(
    {
      store: storeUsed,
      rawZone: new RawZone(rawDir),
      refineDependencies: dependencies,
      secretKey,
      observer: { hourProcessed: (hour) => processed.push(hour) },
    },
    { graceMs: 10 * 60_000, settleMs: 0, flushMs: 60_000, clock: () => now },
  );
}

async function storedViews(hour: string): Promise<number | undefined> {
  return (await store.hourStates()).get(hour)?.pageviews;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "pageviews-live-"));
  store = await DuckDbStore.open(":memory:");
  now = Date.parse("2026-01-15T10:30:00Z");
  processed = [];
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("LiveIngest", () => {
  it("processes an hour once the clock is the grace period past its end, with exact counts", async () => {
    const live = await startLive();
    const counts = await live.accept(await source(hour10.map(formatWebrequest)), undefined);
    expect(counts).toMatchObject({ lines: hour10.length, accepted: hour10.length, malformed: 0 });
    await live.flush();
    now = Date.parse("2026-01-15T11:09:59Z");
    expect(live.dueHours()).toEqual([]);
    now = Date.parse("2026-01-15T11:10:00Z");
    expect(live.dueHours()).toEqual(["2026011510"]);
    await live.processDueHours();
    expect(await storedViews("2026011510")).toBe(pageviews(hour10));
    expect(live.dueHours()).toEqual([]);
    expect(live.lastCompleteHour()).toBe("2026011510");
    expect(live.lagSeconds()).toBe(600);
    await live.stop();
  });

  it("closes hours by the newest line's time when the lines run ahead of the clock", async () => {
    const live = await startLive();
    await live.accept(await source([...hour10, ...hour11].map(formatWebrequest)), undefined);
    await live.flush();
    // The lines reach 11:59; the clock says 10:30: hour 10 is closed by the lines, hour 11 is not.
    expect(live.dueHours()).toEqual(["2026011510"]);
    await live.stop();
  });

  it("processes an hour again when late lines arrive, and the later hours whose labels read it", async () => {
    const live = await startLive();
    const [early, late] = [hour10.slice(0, 1000), hour10.slice(1000)];
    await live.accept(await source([...early, ...hour11].map(formatWebrequest)), undefined);
    await live.flush();
    now = Date.parse("2026-01-15T12:10:00Z");
    await live.processDueHours();
    expect(processed).toEqual(["2026011510", "2026011511"]);
    expect(await storedViews("2026011510")).toBe(pageviews(early));

    await live.accept(await source(late.map(formatWebrequest)), undefined);
    await live.flush();
    await live.processDueHours();
    expect(processed).toEqual(["2026011510", "2026011511", "2026011510", "2026011511"]);
    expect(await storedViews("2026011510")).toBe(pageviews(hour10));
    // The serving tables show it.
    const aggregate = await store.aggregate({
      project: "all-projects",
      access: "all-access",
      agent: "all-agents",
      granularity: "hourly",
      from: "2026011510",
      to: "2026011510",
    });
    expect(aggregate).toEqual([{ timestamp: "2026011510", views: pageviews(hour10) }]);
    await live.stop();
  });

  it("counts lines sent twice once, and reports malformed lines without landing them", async () => {
    const live = await startLive();
    const lines = hour10.map(formatWebrequest);
    await live.accept(await source(lines), undefined);
    const counts = await live.accept(
      await source([...lines.slice(0, 50), "{not json", '{"dt": 5}']),
      undefined,
    );
    expect(counts).toMatchObject({ lines: 52, accepted: 50, malformed: 2 });
    expect(counts.malformedExamples).toHaveLength(2);
    await live.flush();
    now = Date.parse("2026-01-15T11:30:00Z");
    await live.processDueHours();
    expect(await storedViews("2026011510")).toBe(pageviews(hour10));
    await live.stop();
  });

  it("keeps lines it could not land, and lands them with the next flush", async () => {
    const rawZone = new RawZone(dir);
    const land = rawZone.land.bind(rawZone);
    let failures = 1;
    rawZone.land = (...args: Parameters<RawZone["land"]>) =>
      failures-- > 0 ? Promise.reject(new Error("ENOSPC: no space left on device")) : land(...args);
    const live = await LiveIngest.start(
      { store, rawZone, refineDependencies: dependencies, secretKey },
      { graceMs: 10 * 60_000, settleMs: 0, flushMs: 60_000, clock: () => now },
    );
    await live.accept(await source(hour10.map(formatWebrequest)), undefined);
    await expect(live.flush()).rejects.toThrow(/ENOSPC/);
    await live.flush();
    now = Date.parse("2026-01-15T11:30:00Z");
    await live.processDueHours();
    expect(await storedViews("2026011510")).toBe(pageviews(hour10));
    await live.stop();
  });

  it("resolves a flush only once the lines queued before it are landed, even those an earlier failed landing took", async () => {
    const rawZone = new RawZone(dir);
    const land = rawZone.land.bind(rawZone);
    let failures = 1;
    rawZone.land = (...args: Parameters<RawZone["land"]>) =>
      failures-- > 0 ? Promise.reject(new Error("ENOSPC: no space left on device")) : land(...args);
    const live = await LiveIngest.start(
      { store, rawZone, refineDependencies: dependencies, secretKey },
      { graceMs: 10 * 60_000, settleMs: 0, flushMs: 60_000, clock: () => now },
    );
    await live.accept(await source(hour10.map(formatWebrequest)), undefined);
    // The first flush (say the periodic one) takes the lines and fails; the second, a source's own,
    // must not report them landed.
    const [first, second] = [live.flush(), live.flush()];
    await expect(first).rejects.toThrow(/ENOSPC/);
    await second;
    const landed = await rawZone.segments("2026011510");
    expect(landed.reduce((lines, segment) => lines + segment.lines, 0)).toBe(hour10.length);
    await live.stop();
  });

  it("finds hours landed but not processed by an earlier process, and processes them", async () => {
    const first = await startLive();
    await first.accept(await source(hour10.map(formatWebrequest)), undefined);
    await first.stop(); // lands what is pending, as on SIGTERM
    now = Date.parse("2026-01-15T11:30:00Z");
    const second = await startLive();
    expect(second.dueHours()).toEqual(["2026011510"]);
    await second.processDueHours();
    expect(await storedViews("2026011510")).toBe(pageviews(hour10));
    const third = await startLive();
    expect(third.dueHours()).toEqual([]);
    await Promise.all([second.stop(), third.stop()]);
  });

  it("labels again after a restart the later hours that a failed processing left with labels from before", async () => {
    const failing: LiveIngestContext["store"] = new Proxy(store, {
      get(target, property, receiver) {
        if (property === "replaceHour")
          return async (processed: ProcessedHour) => {
            if (processed.hour === "2026011511") throw new Error("disk full (test)");
            await target.replaceHour(processed);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const [early, late] = [hour10.slice(0, 1000), hour10.slice(1000)];
    const first = await startLive();
    await first.accept(await source([...early, ...hour11].map(formatWebrequest)), undefined);
    await first.flush();
    now = Date.parse("2026-01-15T12:10:00Z");
    await first.processDueHours();
    await first.stop();
    // Late lines for 10:00: 10:00 is stored anew, then storing 11:00 again fails and the process ends.
    const second = await startLive(failing);
    await second.accept(await source(late.map(formatWebrequest)), undefined);
    await second.flush();
    await second.processDueHours();
    await second.stop();
    expect(processed).toEqual(["2026011510", "2026011511", "2026011510"]);
    const third = await startLive();
    expect(third.dueHours()).toEqual(["2026011511"]);
    await third.processDueHours();
    expect(processed.at(-1)).toBe("2026011511");
    const fourth = await startLive();
    expect(fourth.dueHours()).toEqual([]);
    await Promise.all([third.stop(), fourth.stop()]);
  });

  it("processes a later hour again for late lines only when they change the actors or IPs its labels read", async () => {
    /** Hourly views of each agent type in a store: what the labels decide. */
    const viewsByAgent = (of: DuckDbStore) =>
      Promise.all(
        (["user", "spider", "automated"] as const).map((agent) =>
          of.aggregate({
            project: "all-projects",
            access: "all-access",
            agent,
            granularity: "hourly",
            from: "2026011510",
            to: "2026011511",
          }),
        ),
      );
    const reference = await viewsOfOneLiveIngest(viewsByAgent);
    expect(reference[2]?.length, "the traffic has automated views").toBeGreaterThan(0);

    /** Lands and processes the lines of 10:00 that `isLate` picks after all the others. */
    const ingestLate = async (isLate: (request: RawRequest) => boolean) => {
      const live = await startLive();
      await live.accept(
        await source([...hour10.filter((r) => !isLate(r)), ...hour11].map(formatWebrequest)),
        undefined,
      );
      await live.flush();
      now = Date.parse("2026-01-15T12:10:00Z");
      await live.processDueHours();
      processed = [];
      await live.accept(await source(hour10.filter(isLate).map(formatWebrequest)), undefined);
      await live.flush();
      await live.processDueHours();
      await live.stop();
    };
    const laterIps = new Set(hour11.map((request) => request.ip));

    // From IPs that do not come back at 11:00: no actor of 11:00, nor its IP, changes.
    await ingestLate((request) => !laterIps.has(request.ip));
    expect(processed).toEqual(["2026011510"]);
    expect(await viewsByAgent(store)).toEqual(reference);
    const restarted = await startLive();
    expect(restarted.dueHours()).toEqual([]);
    await restarted.stop();

    // From IPs seen at 11:00: their actors' rollups change, and 11:00 is labelled again.
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), "pageviews-live-"));
    store = await DuckDbStore.open(":memory:");
    now = Date.parse("2026-01-15T10:30:00Z");
    await ingestLate((request) => laterIps.has(request.ip));
    expect(await viewsByAgent(store)).toEqual(reference);
    expect(processed).toEqual(["2026011510", "2026011511"]);
  });
});

/**
 * What `read` finds in a store given the two hours at once, by a live ingest of its own; the clock is
 * then past both hours.
 */
async function viewsOfOneLiveIngest<T>(read: (store: DuckDbStore) => Promise<T>): Promise<T> {
  const ownDir = mkdtempSync(join(tmpdir(), "pageviews-live-all-"));
  const ownStore = await DuckDbStore.open(":memory:");
  try {
    now = Date.parse("2026-01-15T12:10:00Z");
    const live = await startLive(ownStore, ownDir);
    await live.accept(await source([...hour10, ...hour11].map(formatWebrequest)), undefined);
    await live.flush();
    await live.processDueHours();
    await live.stop();
    return await read(ownStore);
  } finally {
    await ownStore.close();
    rmSync(ownDir, { recursive: true, force: true });
  }
}
