import { describe, expect, it } from "vitest";
import type { TopArticle } from "../../web/src/api.ts";
import { formatShare, topEntries } from "../../web/src/top-shares.ts";

/** A top list from `[article, views]` pairs, ranked as given. */
function top(...entries: [string, number][]): TopArticle[] {
  return entries.map(([article, views], i) => ({ article, views, rank: i + 1 }));
}

describe("Topviews' mobile shares and flags", () => {
  it("gives the exact share of an article found in every access method's list", () => {
    const [entry] = topEntries(top(["A", 100]), {
      desktop: top(["A", 40]),
      "mobile-web": top(["A", 50]),
      "mobile-app": top(["A", 10]),
    });
    expect(entry?.mobileShare).toEqual({ low: 0.6, high: 0.6 });
    expect(formatShare(entry?.mobileShare ?? { low: 0, high: 0 })).toBe("60%");
    expect(entry?.flag).toBeNull();
  });

  it("derives the mobile views from the desktop list alone: they are the rest", () => {
    const [entry] = topEntries(top(["A", 100]), {
      desktop: top(["A", 30]),
      "mobile-web": top(["B", 90]),
      "mobile-app": top(["C", 50]),
    });
    expect(entry?.mobileShare).toEqual({ low: 0.7, high: 0.7 });
  });

  it("bounds the share of an article missing from a list by that list's last entry", () => {
    // Missing from the desktop and app lists: 0 to 8 and 0 to 6 views, which with its 35 from the
    // mobile web must make 40, so 0 to 5 each.
    const [, entry] = topEntries(top(["B", 50], ["A", 40]), {
      desktop: top(["B", 20], ["C", 8]),
      "mobile-web": top(["B", 30], ["A", 35]),
      "mobile-app": top(["B", 6]),
    });
    expect(entry?.mobileShare).toEqual({ low: 35 / 40, high: 1 });
    expect(formatShare(entry?.mobileShare ?? { low: 0, high: 0 })).toBe("88–100%");
    expect(entry?.flag).toBeNull();
  });

  it("flags shares near 0 % or 100 % mobile, and one access method with 90 % of the views", () => {
    const entries = topEntries(
      top(["Desktop_only", 100], ["App_only", 50], ["Mostly_web", 40], ["Mixed", 30]),
      {
        desktop: top(["Desktop_only", 98], ["Mixed", 10], ["Mostly_web", 3]),
        "mobile-web": top(["Mostly_web", 37], ["Mixed", 15], ["Desktop_only", 2]),
        "mobile-app": top(["App_only", 50], ["Mixed", 5]),
      },
    );
    expect(entries.map((entry) => entry.flag)).toEqual([
      "Mobile share near 0 %",
      "Mobile share near 100 %",
      "90 % or more of the views from mobile-web",
      null,
    ]);
  });

  it("takes a list the API had no data for as no views of that access method", () => {
    const [entry] = topEntries(top(["A", 10]), {
      desktop: null,
      "mobile-web": top(["A", 10]),
      "mobile-app": null,
    });
    expect(entry?.mobileShare).toEqual({ low: 1, high: 1 });
    expect(entry?.flag).toBe("Mobile share near 100 %");
  });
});
