import { describe, expect, it } from "vitest";
import { generateRequests } from "../generate/traffic.ts";
import { loadRefineDependencies } from "./dependencies.ts";
import { createRefiner, type RefineDependencies } from "./refine.ts";

/** The dependencies, counting what is asked of them. */
function countingDependencies(): { deps: RefineDependencies; lookups: () => number } {
  const real = loadRefineDependencies();
  let lookups = 0;
  return {
    deps: {
      userAgents: {
        parse: (userAgent) => {
          lookups++;
          return real.userAgents.parse(userAgent);
        },
      } as RefineDependencies["userAgents"],
      geocode: (ip) => {
        lookups++;
        return real.geocode(ip);
      },
      classifyReferer: (referer) => {
        lookups++;
        return real.classifyReferer(referer);
      },
    },
    lookups: () => lookups,
  };
}

const requests = [
  ...generateRequests({ seed: 11, start: new Date("2026-01-15T10:00:00Z"), hours: 1, lines: 3000 }),
];

describe("refinePageview", () => {
  it("refines pageviews and redirects to them exactly as refine does", () => {
    const { refine, refinePageview } = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });
    let counted = 0;
    for (const request of requests) {
      const full = refine(request);
      const { is_pageview, is_redirect_to_pageview } = full.record;
      if (!is_pageview && !is_redirect_to_pageview) continue;
      counted++;
      expect(refinePageview(request)).toEqual(full);
    }
    expect(counted).toBeGreaterThan(1000);
  });

  it("gives null for any other request, without looking up its user agent, location or referer", () => {
    const { refine } = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });
    const others = requests.filter((request) => {
      const { record } = refine(request);
      return !record.is_pageview && !record.is_redirect_to_pageview;
    });
    expect(others.length).toBeGreaterThan(500);
    const { deps, lookups } = countingDependencies();
    const { refinePageview } = createRefiner(deps, { hasXAnalytics: true });
    for (const request of others) expect(refinePageview(request)).toBeNull();
    expect(lookups()).toBe(0);
  });
});
