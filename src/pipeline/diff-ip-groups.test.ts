import { describe, expect, it } from "vitest";
import { type DiffEvidence, DiffIpGroupsBuilder } from "./diff-ip-groups.ts";

function diffView(page: string, countryCode = "FR", domain = "fr.wikipedia.org"): DiffEvidence {
  return { domain, countryCode, diffPageKey: page, historyPageKey: null, refererDiffPageKey: null };
}

function historyView(page: string, domain = "fr.wikipedia.org"): DiffEvidence {
  return { domain, countryCode: "FR", diffPageKey: null, historyPageKey: page, refererDiffPageKey: null };
}

function build(views: [ip: string, evidence: DiffEvidence][]) {
  const builder = new DiffIpGroupsBuilder();
  for (const [ip, evidence] of views) builder.add(ip, evidence);
  return builder.build();
}

describe("diff-IP groups", () => {
  it("gives every IP viewing the same page's diff from the same country the group's size", () => {
    const features = build([
      ["a", diffView("Paris")],
      ["b", diffView("Paris")],
      ["c", diffView("Paris")],
    ]);
    for (const ip of ["a", "b", "c"]) {
      expect(features.get(ip)).toEqual({ maxDiffIpGroupSize: 3, diffIpGroupCount: 1 });
    }
  });

  it("counts an IP once per group however often it views the diff", () => {
    const features = build([
      ["a", diffView("Paris")],
      ["a", diffView("Paris")],
      ["b", diffView("Paris")],
    ]);
    expect(features.get("a")).toEqual({ maxDiffIpGroupSize: 2, diffIpGroupCount: 1 });
  });

  it("keeps countries and domains apart", () => {
    const features = build([
      ["a", diffView("Paris", "FR")],
      ["b", diffView("Paris", "BE")],
      ["c", diffView("Paris", "FR", "en.wikipedia.org")],
    ]);
    expect(features.get("a")).toEqual({ maxDiffIpGroupSize: 1, diffIpGroupCount: 1 });
    expect(features.get("b")).toEqual({ maxDiffIpGroupSize: 1, diffIpGroupCount: 1 });
    expect(features.get("c")).toEqual({ maxDiffIpGroupSize: 1, diffIpGroupCount: 1 });
  });

  it("counts the groups of an IP sweeping many pages' diffs and keeps its largest group", () => {
    const features = build([
      ["a", diffView("Paris")],
      ["a", diffView("Lyon")],
      ["a", diffView("Nice")],
      ["b", diffView("Nice")],
    ]);
    expect(features.get("a")).toEqual({ maxDiffIpGroupSize: 2, diffIpGroupCount: 3 });
    expect(features.get("b")).toEqual({ maxDiffIpGroupSize: 2, diffIpGroupCount: 1 });
  });

  it("sets aside, from every group, an IP that viewed the history of a page whose diff it viewed", () => {
    const features = build([
      ["human", historyView("Paris")],
      ["human", diffView("Paris")],
      ["human", diffView("Lyon")],
      ["bot", diffView("Lyon")],
    ]);
    expect(features.has("human")).toBe(false);
    expect(features.get("bot")).toEqual({ maxDiffIpGroupSize: 1, diffIpGroupCount: 1 });
  });

  it("sets aside an IP that opened a page's diff from another diff of it", () => {
    const fromDiff: DiffEvidence = { ...diffView("Paris"), refererDiffPageKey: "Paris" };
    const features = build([
      ["human", fromDiff],
      ["bot", diffView("Paris")],
    ]);
    expect(features.has("human")).toBe(false);
    expect(features.get("bot")).toEqual({ maxDiffIpGroupSize: 1, diffIpGroupCount: 1 });
  });

  it("does not treat the history of another page, or of the same title on another wiki, as human", () => {
    const features = build([
      ["a", historyView("Lyon")],
      ["a", historyView("Paris", "en.wikipedia.org")],
      ["a", diffView("Paris")],
    ]);
    expect(features.get("a")).toEqual({ maxDiffIpGroupSize: 1, diffIpGroupCount: 1 });
  });

  it("gives nothing to IPs that only viewed histories", () => {
    expect(build([["a", historyView("Paris")]]).size).toBe(0);
  });
});
