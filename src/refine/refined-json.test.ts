import { describe, expect, it } from "vitest";
import { generateRequests } from "../generate/traffic.ts";
import { loadRefineDependencies } from "./dependencies.ts";
import { refinedPageview } from "./refine.fixtures.ts";
import { createRefiner, type RefinedRecord } from "./refine.ts";
import { RefinedJsonEncoder } from "./refined-json.ts";

const pageview = refinedPageview();

/** What the encoder writes for `record`, checked to stay within the bound it gives. */
function encoded(encoder: RefinedJsonEncoder, record: RefinedRecord): string {
  const buffer = Buffer.alloc(encoder.maxBytes(record));
  const end = encoder.encodeInto(record, buffer, 0);
  expect(end).toBeLessThanOrEqual(buffer.length);
  return buffer.toString("utf8", 0, end);
}

describe("RefinedJsonEncoder", () => {
  it.each<[string, Partial<RefinedRecord>]>([
    ["a pageview", {}],
    [
      "a request that is no pageview",
      { is_pageview: false, project: null, language_variant: null, article: null },
    ],
    ["a redirect to a pageview", { is_pageview: false, is_redirect_to_pageview: true }],
    ["no page or namespace id", { page_id: null, namespace_id: null }],
    ["a negative namespace", { namespace_id: -1 }],
    ["the largest safe and a non-finite id", { page_id: Number.MAX_SAFE_INTEGER, namespace_id: Number.NaN }],
    ["ids beyond safe integers and with fractions", { page_id: 2 ** 70, namespace_id: -2.5 }],
    ["quotes, backslashes and control characters", { article: 'A"B\\C\u0001\n', ua_device_family: 'x"y' }],
    ["only control characters", { article: "\u0000\u001f".repeat(50), country: "\u0001" }],
    ["non-ASCII text and a lone surrogate", { article: "Été_😀_\uD800", country: "Côte d'Ivoire" }],
  ])("writes what JSON.stringify writes for %s", (_case, changes) => {
    const record = { ...pageview, ...changes };
    expect(encoded(new RefinedJsonEncoder(), record)).toBe(JSON.stringify(record));
  });

  it("writes each record after the first as its own values, not remembered ones", () => {
    const encoder = new RefinedJsonEncoder();
    const records = [
      pageview,
      { ...pageview, dt: "2026-01-15T10:20:31Z" },
      { ...pageview, hour: "2026011511" },
      { ...pageview, country: "France", country_code: "FR" },
      { ...pageview, project: null, is_pageview: false },
      pageview,
    ];
    for (const record of records) expect(encoded(encoder, record)).toBe(JSON.stringify(record));
  });

  it("writes what JSON.stringify writes for every record of generated traffic", () => {
    const { refine } = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });
    const encoder = new RefinedJsonEncoder();
    const requests = generateRequests({
      seed: 3,
      start: new Date("2026-01-15T10:00:00Z"),
      hours: 1,
      lines: 2000,
    });
    for (const request of requests) {
      const { record } = refine(request);
      expect(encoded(encoder, record)).toBe(JSON.stringify(record));
    }
  });
});
