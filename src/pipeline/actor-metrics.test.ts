import { describe, expect, it } from "vitest";
import {
  type ActorHourlyMetrics,
  changedActors,
  HourlyActorMetricsBuilder,
  pageviewRatePerMinute,
  rollUp,
  rollupWindow,
} from "./actor-metrics.ts";
import type { ActorObservation } from "./actor-observation.ts";
import type { DiffEvidence } from "./diff-ip-groups.ts";

/** 2024-03-01T10:00:00Z */
const HOUR_START = Date.UTC(2024, 2, 1, 10) / 1000;

function observation(overrides: Partial<ActorObservation> = {}): ActorObservation {
  return {
    actorSignature: "sig-a",
    ipKey: "ip-a",
    ts: HOUR_START,
    isPageview: true,
    isRedirectToPageview: false,
    nocookies: 0,
    userAgentLength: 100,
    pageTitle: "Main_Page",
    diffEvidence: null,
    ...overrides,
  };
}

function diffOf(page: string): DiffEvidence {
  return {
    domain: "en.wikipedia.org",
    countryCode: "US",
    diffPageKey: page,
    historyPageKey: null,
    refererDiffPageKey: null,
  };
}

function hourly(observations: ActorObservation[], hour = "2024030110"): ActorHourlyMetrics[] {
  const builder = new HourlyActorMetricsBuilder();
  for (const o of observations) builder.add(o);
  return builder.build(hour);
}

function hourlyRow(overrides: Partial<ActorHourlyMetrics> = {}): ActorHourlyMetrics {
  return {
    hour: "2024030110",
    actorSignature: "sig-a",
    isPageview: true,
    isRedirectToPageview: false,
    ipKey: "ip-a",
    pageviewCount: 10,
    firstTs: HOUR_START,
    lastTs: HOUR_START + 600,
    pageviewRatePerMin: 1,
    nocookies: 0,
    userAgentLength: 100,
    distinctPagesVisited: 5,
    maxDiffIpGroupSize: 0,
    diffIpGroupCount: 0,
    ...overrides,
  };
}

describe("pageview rate per minute", () => {
  it("truncates pageviews per second times 60 to an integer", () => {
    expect(pageviewRatePerMinute(3, 0, 7)).toBe(25); // 25.71…
    expect(pageviewRatePerMinute(29, 0, 58)).toBe(30);
  });

  it("is null when the first and last request fall in the same second", () => {
    expect(pageviewRatePerMinute(5, 100, 100)).toBeNull();
  });
});

describe("hourly actor metrics", () => {
  it("aggregates an actor's requests", () => {
    const [row, ...others] = hourly([
      observation({ ts: HOUR_START + 10, nocookies: 1, userAgentLength: 90, pageTitle: "A" }),
      observation({ ts: HOUR_START + 3, nocookies: 1, userAgentLength: 120, pageTitle: "B" }),
      observation({ ts: HOUR_START + 17, nocookies: 0, userAgentLength: 100, pageTitle: "A" }),
    ]);
    expect(others).toEqual([]);
    expect(row).toEqual({
      hour: "2024030110",
      actorSignature: "sig-a",
      isPageview: true,
      isRedirectToPageview: false,
      ipKey: "ip-a",
      pageviewCount: 3,
      firstTs: HOUR_START + 3,
      lastTs: HOUR_START + 17,
      pageviewRatePerMin: 12, // 3 / 14 s × 60 = 12.86
      nocookies: 2,
      userAgentLength: 120,
      distinctPagesVisited: 2,
      maxDiffIpGroupSize: 0,
      diffIpGroupCount: 0,
    });
  });

  it("gives a null rate to an actor whose requests share one second", () => {
    const [row] = hourly([observation(), observation()]);
    expect(row?.pageviewCount).toBe(2);
    expect(row?.pageviewRatePerMin).toBeNull();
  });

  it("keeps pageviews, redirects and IPs of one signature in separate rows", () => {
    const rows = hourly([
      observation(),
      observation({ isPageview: false, isRedirectToPageview: true }),
      observation({ ipKey: "ip-b" }),
      observation({ ipKey: "ip-b" }),
    ]);
    expect(rows.map((r) => [r.ipKey, r.isPageview, r.isRedirectToPageview, r.pageviewCount])).toEqual([
      ["ip-a", true, false, 1],
      ["ip-a", false, true, 1],
      ["ip-b", true, false, 2],
    ]);
  });

  it("does not count a missing title as a page", () => {
    const [row] = hourly([observation({ pageTitle: null }), observation({ pageTitle: "-" })]);
    expect(row?.distinctPagesVisited).toBe(1);
  });

  it("truncates a fractional nocookies sum, as Wikimedia's BIGINT column does", () => {
    const [row] = hourly([observation({ nocookies: 1.5 }), observation({ nocookies: 1.2 })]);
    expect(row?.nocookies).toBe(2);
  });

  it("gives an IP's diff-IP features to every actor row on that IP", () => {
    const rows = hourly([
      observation({ diffEvidence: diffOf("X") }),
      observation({ diffEvidence: diffOf("Y") }),
      observation({ actorSignature: "sig-b", diffEvidence: diffOf("Z") }),
      observation({ actorSignature: "sig-c", ipKey: "ip-c", diffEvidence: diffOf("Z") }),
      observation({ actorSignature: "sig-d", ipKey: "ip-d" }),
    ]);
    const features = Object.fromEntries(
      rows.map((r) => [r.actorSignature, [r.maxDiffIpGroupSize, r.diffIpGroupCount]]),
    );
    expect(features).toEqual({
      "sig-a": [2, 3],
      "sig-b": [2, 3],
      "sig-c": [2, 1],
      "sig-d": [0, 0],
    });
  });
});

describe("rollup window", () => {
  it("lists the 24 hours ending at the given hour, across a month boundary", () => {
    const hours = rollupWindow("2024030105");
    expect(hours).toHaveLength(24);
    expect(hours[0]).toBe("2024022906");
    expect(hours[23]).toBe("2024030105");
  });

  it("rejects a malformed hour", () => {
    expect(() => rollupWindow("2024-03-01")).toThrow(RangeError);
  });
});

describe("24-hour rollup", () => {
  it("sums counts and cookies, keeps the longest UA, and averages distinct pages over the hours", () => {
    const rollups = rollUp("2024030112", [
      hourlyRow({
        hour: "2024030110",
        pageviewCount: 10,
        nocookies: 2,
        userAgentLength: 90,
        distinctPagesVisited: 4,
      }),
      hourlyRow({
        hour: "2024030112",
        pageviewCount: 30,
        nocookies: 3,
        userAgentLength: 110,
        distinctPagesVisited: 7,
      }),
    ]);
    expect(rollups).toHaveLength(1);
    expect(rollups[0]).toMatchObject({
      actorSignature: "sig-a",
      pageviewCount: 40,
      nocookies: 5,
      userAgentLength: 110,
      avgDistinctPagesVisited: 5.5,
      rolledUpHours: 2,
    });
  });

  it("computes the rate over the whole window, from the first to the last request", () => {
    const [rollup] = rollUp("2024030112", [
      hourlyRow({ hour: "2024030110", pageviewCount: 30, firstTs: 1000, lastTs: 1010 }),
      hourlyRow({ hour: "2024030111", pageviewCount: 30, firstTs: 4600, lastTs: 4720 }),
    ]);
    expect(rollup?.pageviewRatePerMin).toBe(Math.trunc((60 / 3720) * 60));
  });

  it("has a null rate when every request of the window fell in the same second", () => {
    const [rollup] = rollUp("2024030110", [hourlyRow({ firstTs: 5, lastTs: 5 })]);
    expect(rollup?.pageviewRatePerMin).toBeNull();
  });

  it("includes the hour 23 hours before and excludes the hour 24 hours before", () => {
    const rows = [
      hourlyRow({ hour: "2024022910", pageviewCount: 1000 }),
      hourlyRow({ hour: "2024022911", pageviewCount: 7 }),
      hourlyRow({ hour: "2024030110", pageviewCount: 3 }),
      hourlyRow({ hour: "2024030111", pageviewCount: 500 }),
    ];
    const [rollup] = rollUp("2024030110", rows);
    expect(rollup?.pageviewCount).toBe(10);
    expect(rollup?.rolledUpHours).toBe(2);
  });

  it("counts only hours with at least one distinct page as rolled-up hours", () => {
    const [rollup] = rollUp("2024030112", [
      hourlyRow({ hour: "2024030110", distinctPagesVisited: 0 }),
      hourlyRow({ hour: "2024030111", distinctPagesVisited: 4 }),
    ]);
    expect(rollup?.rolledUpHours).toBe(1);
    expect(rollup?.avgDistinctPagesVisited).toBe(2);
  });

  it("rolls pageviews and redirects of a signature up separately", () => {
    const rollups = rollUp("2024030110", [
      hourlyRow({ pageviewCount: 5 }),
      hourlyRow({ isPageview: false, isRedirectToPageview: true, pageviewCount: 8 }),
    ]);
    expect(rollups.map((r) => [r.isPageview, r.isRedirectToPageview, r.pageviewCount])).toEqual([
      [true, false, 5],
      [false, true, 8],
    ]);
  });

  it("rolls diff-IP features up per IP (max of sizes, sum of counts), counting each IP-hour once", () => {
    // Two actors share the NAT IP "ip-a"; the hourly rows carry the IP's features on both.
    const rollups = rollUp("2024030112", [
      hourlyRow({ hour: "2024030110", maxDiffIpGroupSize: 2, diffIpGroupCount: 1 }),
      hourlyRow({ hour: "2024030110", actorSignature: "sig-b", maxDiffIpGroupSize: 2, diffIpGroupCount: 1 }),
      hourlyRow({ hour: "2024030111", actorSignature: "sig-b", maxDiffIpGroupSize: 1, diffIpGroupCount: 1 }),
      hourlyRow({ hour: "2024030112", maxDiffIpGroupSize: 1, diffIpGroupCount: 1 }),
      hourlyRow({ hour: "2024030112", actorSignature: "sig-c", ipKey: "ip-c" }),
    ]);
    const features = Object.fromEntries(
      rollups.map((r) => [r.actorSignature, [r.maxDiffIpGroupSize, r.diffIpGroupCount]]),
    );
    expect(features).toEqual({ "sig-a": [2, 3], "sig-b": [2, 3], "sig-c": [0, 0] });
  });

  it("ignores diff-IP features of hours outside the window", () => {
    const [rollup] = rollUp("2024030110", [
      hourlyRow({ hour: "2024022910", maxDiffIpGroupSize: 5, diffIpGroupCount: 5 }),
      hourlyRow({ hour: "2024030110" }),
    ]);
    expect([rollup?.maxDiffIpGroupSize, rollup?.diffIpGroupCount]).toEqual([0, 0]);
  });
});

describe("actors whose metrics changed", () => {
  it("names the actors and IPs of rows added, removed or different, and no others", () => {
    const same = hourlyRow({ actorSignature: "same", ipKey: "ip-same" });
    const before = [
      same,
      hourlyRow({ actorSignature: "more", ipKey: "ip-more", pageviewCount: 3 }),
      hourlyRow({ actorSignature: "gone", ipKey: "ip-gone" }),
      hourlyRow({ actorSignature: "diffs", ipKey: "ip-diffs", diffIpGroupCount: 1 }),
    ];
    const after = [
      { ...same },
      hourlyRow({ actorSignature: "more", ipKey: "ip-more", pageviewCount: 4 }),
      hourlyRow({ actorSignature: "new", ipKey: "ip-new" }),
      hourlyRow({ actorSignature: "diffs", ipKey: "ip-diffs", diffIpGroupCount: 2 }),
      // The same actor's redirects are a row of their own.
      hourlyRow({ actorSignature: "same", ipKey: "ip-same", isPageview: false, isRedirectToPageview: true }),
    ];
    const changed = changedActors(before, after);
    expect([...changed.actorSignatures].sort()).toEqual(["diffs", "gone", "more", "new", "same"]);
    expect([...changed.ipKeys].sort()).toEqual(["ip-diffs", "ip-gone", "ip-more", "ip-new", "ip-same"]);
    expect(
      changedActors(
        before,
        before.map((row) => ({ ...row })),
      ),
    ).toEqual({
      actorSignatures: new Set(),
      ipKeys: new Set(),
    });
  });

  it("adds to what earlier versions of the hour changed", () => {
    const first = changedActors([], [hourlyRow({ actorSignature: "a", ipKey: "ip-a" })]);
    const both = changedActors([], [hourlyRow({ actorSignature: "b", ipKey: "ip-b" })], first);
    expect([...both.actorSignatures].sort()).toEqual(["a", "b"]);
  });
});
