import { describe, expect, it } from "vitest";
import { refinedPageview } from "../refine/refine.fixtures.ts";
import { HourAggregate } from "./hour-aggregate.ts";

const base = refinedPageview({ dt: "2026-01-15T10:00:00Z", referer_class: "none" });

describe("HourAggregate", () => {
  it("counts views per row and agent, turning labelled actors' user views automated", () => {
    const aggregate = new HourAggregate();
    aggregate.add(base, "human");
    aggregate.add(base, "human");
    for (let i = 0; i < 5; i++) aggregate.add(base, "bot");
    aggregate.add({ ...base, agent_type: "spider" }, null);
    aggregate.add({ ...base, access_method: "mobile web" }, null);
    expect(aggregate.actorSignatures()).toEqual(["human", "bot"]);

    const { rows, automatedByReason } = aggregate.rowsWithLabels(
      new Map([["bot", { pageview: "high request ratio" }]]),
    );
    const dims = { project: "en.wikipedia", article: "Horseshoe_crab", country_code: "GB" };
    expect(rows).toEqual([
      expect.objectContaining({ ...dims, access_method: "desktop", agent_type: "user", views: 2 }),
      expect.objectContaining({ ...dims, access_method: "desktop", agent_type: "spider", views: 1 }),
      expect.objectContaining({ ...dims, access_method: "desktop", agent_type: "automated", views: 5 }),
      expect.objectContaining({ ...dims, access_method: "mobile web", agent_type: "user", views: 1 }),
    ]);
    expect(automatedByReason).toEqual(new Map([["high request ratio", 5]]));
  });

  it("counts an actor automated for its redirects only under that reason", () => {
    const aggregate = new HourAggregate();
    aggregate.add(base, "redirector");
    const { rows, automatedByReason } = aggregate.rowsWithLabels(
      new Map([["redirector", { redirect_to_pageview: "pageview_count>800" }]]),
    );
    expect(rows.map((row) => row.agent_type)).toEqual(["automated"]);
    expect(automatedByReason).toEqual(new Map([["pageview_count>800", 1]]));
  });

  it("keeps a row for each combination of dimensions, whichever one differs", () => {
    const variants = [
      base,
      { ...base, project: "de.wikipedia" },
      { ...base, language_variant: "zh-hant" },
      { ...base, article: "Limulus" },
      { ...base, page_id: 42 },
      { ...base, namespace_id: 1 },
      { ...base, access_method: "mobile app" as const },
      { ...base, referer_class: "external (search engine)" },
      { ...base, continent: "Africa" },
      { ...base, country_code: "FR" },
    ];
    const aggregate = new HourAggregate();
    for (const variant of [...variants, ...variants.toReversed()]) aggregate.add(variant, null);
    const { rows } = aggregate.rowsWithLabels(new Map());
    expect(rows).toHaveLength(variants.length);
    expect(rows.map((row) => row.views)).toEqual(variants.map(() => 2));
  });

  it("keeps rows apart when any dimension differs, and grows past its initial capacity", () => {
    const aggregate = new HourAggregate();
    for (let i = 0; i < 100_000; i++) aggregate.add({ ...base, article: `A${i % 3}` }, `actor${i % 7}`);
    const { rows } = aggregate.rowsWithLabels(new Map());
    expect(rows.map((row) => [row.article, row.views])).toEqual([
      ["A0", 33_334],
      ["A1", 33_333],
      ["A2", 33_333],
    ]);
  });
});
