import { describe, expect, it } from "vitest";
import { CompleteLineBuilder, formatCompleteLine, parseCompleteLine } from "./complete-lines.ts";
import { DAY_SLOTS, HOUR_SLOTS } from "./letters.ts";

const MAIN_PAGE = {
  project: "en.wikipedia",
  article: "Main_Page",
  page_id: 15580374,
  access_method: "mobile web",
} as const;

function slots(count: number, entries: Record<number, number>): number[] {
  const counts = new Array<number>(count).fill(0);
  for (const [slot, views] of Object.entries(entries)) counts[Number(slot)] = views;
  return counts;
}

describe("formatCompleteLine", () => {
  it("writes a daily line: full project name, page id, dashed access, total, hour letters", () => {
    expect(formatCompleteLine(MAIN_PAGE, slots(HOUR_SLOTS, { 0: 3, 2: 12, 23: 1 }))).toBe(
      "en.wikipedia Main_Page 15580374 mobile-web 16 A3C12X1\n",
    );
  });

  it("writes a missing page id as null", () => {
    const page = { project: "wikidata", article: "Q42", page_id: null, access_method: "mobile app" } as const;
    expect(formatCompleteLine(page, slots(HOUR_SLOTS, { 5: 2 }))).toBe("wikidata Q42 null mobile-app 2 F2\n");
  });

  it("writes a 31-day month with the letters after Z", () => {
    const page = { ...MAIN_PAGE, access_method: "desktop" } as const;
    expect(formatCompleteLine(page, slots(DAY_SLOTS, { 0: 1, 25: 2, 26: 3, 29: 4, 30: 5 }))).toBe(
      "en.wikipedia Main_Page 15580374 desktop 15 A1Z2[3^4_5\n",
    );
  });
});

describe("parseCompleteLine", () => {
  it("reads back daily and monthly lines", () => {
    const daily = slots(HOUR_SLOTS, { 0: 3, 2: 12, 23: 1 });
    expect(parseCompleteLine(formatCompleteLine(MAIN_PAGE, daily).trimEnd(), HOUR_SLOTS)).toEqual({
      ...MAIN_PAGE,
      total: 16,
      counts: daily,
    });
    const monthly = slots(DAY_SLOTS, { 26: 3, 30: 5 });
    expect(parseCompleteLine("de.wikivoyage Berlin null desktop 8 [3_5", DAY_SLOTS)).toEqual({
      project: "de.wikivoyage",
      article: "Berlin",
      page_id: null,
      access_method: "desktop",
      total: 8,
      counts: monthly,
    });
  });

  it("is null for other shapes, unknown access, and totals that are not the sum", () => {
    for (const line of [
      "en.wikipedia Main_Page 1 desktop 16 A3C12X2",
      "en.wikipedia Main_Page 1 mobile_web 1 A1",
      "en.wikipedia Main_Page x desktop 1 A1",
      "en.wikipedia Main_Page 1 desktop 1",
      "en.wikipedia Main_Page 1 desktop 1 A1 extra",
      "en.wikipedia Main_Page 1 desktop 1 [1",
    ]) {
      expect(parseCompleteLine(line, HOUR_SLOTS), line).toBeNull();
    }
  });
});

describe("CompleteLineBuilder", () => {
  it("emits a line when the page changes, and the last one on finish", () => {
    const builder = new CompleteLineBuilder(HOUR_SLOTS);
    const desktop = { ...MAIN_PAGE, access_method: "desktop" } as const;
    const emitted = [
      builder.add(desktop, 0, 3),
      builder.add(desktop, 2, 12),
      builder.add(MAIN_PAGE, 1, 4),
      builder.add(MAIN_PAGE, 1, 1),
      builder.finish(),
      builder.finish(),
    ];
    expect(emitted).toEqual([
      null,
      null,
      "en.wikipedia Main_Page 15580374 desktop 15 A3C12\n",
      null,
      "en.wikipedia Main_Page 15580374 mobile-web 5 B5\n",
      null,
    ]);
  });
});
