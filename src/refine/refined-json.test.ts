import { describe, expect, it } from "vitest";
import { generateRequests } from "../generate/traffic.ts";
import { loadRefineDependencies } from "./dependencies.ts";
import { refinedPageview } from "./refine.fixtures.ts";
import { createRefiner, type RefinedRecord } from "./refine.ts";
import { refinedRecordJson } from "./refined-json.ts";

const pageview = refinedPageview();

describe("refinedRecordJson", () => {
  it.each<[string, Partial<RefinedRecord>]>([
    ["a pageview", {}],
    [
      "a request that is no pageview",
      { is_pageview: false, project: null, language_variant: null, article: null },
    ],
    ["no page or namespace id", { page_id: null, namespace_id: null }],
    ["a negative namespace", { namespace_id: -1 }],
    ["quotes, backslashes and control characters", { article: 'A"B\\C\u0001\n', ua_device_family: 'x"y' }],
    ["non-ASCII text and a lone surrogate", { article: "Été_😀_\uD800", country: "Côte d'Ivoire" }],
  ])("writes what JSON.stringify writes for %s", (_case, changes) => {
    const record = { ...pageview, ...changes };
    expect(refinedRecordJson(record)).toBe(JSON.stringify(record));
  });

  it("writes what JSON.stringify writes for every record of generated traffic", () => {
    const refine = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });
    const requests = generateRequests({
      seed: 3,
      start: new Date("2026-01-15T10:00:00Z"),
      hours: 1,
      lines: 2000,
    });
    for (const request of requests) {
      const { record } = refine(request);
      expect(refinedRecordJson(record)).toBe(JSON.stringify(record));
    }
  });
});
