import { describe, expect, it } from "vitest";
import { ApiProblem } from "./problem.ts";
import {
  countryMonth,
  normalizeArticle,
  normalizeProject,
  timeRange,
  topPeriod,
  wholeMonths,
} from "./request-params.ts";

function problemOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiProblem && error.statusCode === 400) return error.detail;
    throw error;
  }
  throw new Error("expected a 400 problem");
}

const daily = { hourly: false, monthly: false };
const hourly = { hourly: true, monthly: false };
const monthly = { hourly: false, monthly: true };

describe("normalizeProject", () => {
  it.each([
    ["en.wikipedia", "en.wikipedia"],
    ["EN.WIKIPEDIA.ORG", "en.wikipedia"],
    ["www.en.wikipedia.org", "en.wikipedia"],
    [" en.wikipedia ", "en.wikipedia"],
    ["www.mediawiki.org", "mediawiki"],
    ["commons.wikimedia.org", "commons.wikimedia"],
    ["www.wikidata.org", "wikidata"],
    ["all-projects", "all-projects"],
    ["zh-min-nan.wikipedia", "zh-min-nan.wikipedia"],
  ])("%s → %s", (raw, project) => {
    expect(normalizeProject(raw)).toBe(project);
  });

  it.each(["en wiki!", "en.wikipedia;", "", "ünï.wikipedia", "en/wikipedia"])(
    "refuses %j with Wikimedia's text",
    (raw) => {
      expect(problemOf(() => normalizeProject(raw))).toBe(
        "The parameter `project` contains invalid charaters.",
      );
    },
  );
});

describe("normalizeArticle", () => {
  it("turns spaces into underscores and changes nothing else: no capitalisation, no decoding", () => {
    expect(normalizeArticle("dash - space : colon % percent / slash")).toBe(
      "dash_-_space_:_colon_%_percent_/_slash",
    );
    expect(normalizeArticle("iPhone")).toBe("iPhone");
    expect(normalizeArticle("100%25")).toBe("100%25");
  });

  it("refuses titles longer than 1024 UTF-8 bytes", () => {
    expect(normalizeArticle("é".repeat(512))).toHaveLength(512);
    expect(problemOf(() => normalizeArticle("é".repeat(513)))).toMatch(/longer than 1024 bytes/);
  });
});

describe("timeRange", () => {
  it("takes 8 or 10 digits for daily reads, with the hour set to 00", () => {
    expect(timeRange("20150701", "2015070223", daily)).toEqual({ from: "2015070100", to: "2015070200" });
    expect(timeRange("20150702", "20150702", daily)).toEqual({ from: "2015070200", to: "2015070200" });
  });

  it("needs a real YYYYMMDDHH for hourly reads", () => {
    expect(timeRange("2015070100", "2015070123", hourly)).toEqual({ from: "2015070100", to: "2015070123" });
    for (const bad of ["20150701", "2015070124", "20150701000000", "2015022900", "201507a3"]) {
      expect(
        problemOf(() => timeRange(bad, "2015070200", hourly)),
        bad,
      ).toBe("start timestamp is invalid, must be a valid date in YYYYMMDDHH format");
    }
  });

  it("reports every problem, in AQS 1's order", () => {
    expect(problemOf(() => timeRange("2015130100", "x", daily))).toBe(
      "start timestamp is invalid, must be a valid date in YYYYMMDD format; " +
        "end timestamp is invalid, must be a valid date in YYYYMMDD format",
    );
    expect(problemOf(() => timeRange("20150702", "20150701", daily))).toBe(
      "start timestamp should be before the end timestamp",
    );
    // The hours are dropped before comparing: 05 to 00 of the same day is one day, not a reversed range.
    expect(timeRange("2016022905", "2016022900", daily)).toEqual({ from: "2016022900", to: "2016022900" });
  });

  it("keeps whole months for monthly reads (AQS 1), and refuses a range without one", () => {
    expect(timeRange("20151120", "20160103", monthly)).toEqual({ from: "2015120100", to: "2015123100" });
    expect(timeRange("2016020100", "2016022900", monthly)).toEqual({ from: "2016020100", to: "2016022900" });
    expect(problemOf(() => timeRange("20151203", "20151220", monthly))).toBe(
      "no full months found in specified date range",
    );
    // AQS 2.0 would answer two months here (February and a partial March); AQS 1 keeps February.
    expect(timeRange("20160201", "20160301", monthly)).toEqual({ from: "2016020100", to: "2016022900" });
  });
});

describe("wholeMonths", () => {
  it("moves the start to the next 1st and the end to the previous month's last day, across years", () => {
    expect(wholeMonths({ from: "2015121500", to: "2016011000" })).toEqual({
      from: "2016010100",
      to: "2015123100",
    });
    expect(wholeMonths({ from: "2015120100", to: "2015123100" })).toEqual({
      from: "2015120100",
      to: "2015123100",
    });
  });
});

describe("topPeriod and countryMonth", () => {
  it("read a day, or a month for all-days, padding 1-digit months and days", () => {
    expect(topPeriod("2015", "10", "10")).toEqual({ day: "20151010" });
    expect(topPeriod("2015", "1", "2")).toEqual({ day: "20150102" });
    expect(topPeriod("2016", "02", "29")).toEqual({ day: "20160229" });
    expect(topPeriod("2015", "01", "all-days")).toEqual({ month: "201501" });
    expect(countryMonth("2017", "12")).toBe("201712");
  });

  it.each([
    ["2015", "02", "29"],
    ["2015", "01", "all-dayz"],
    ["2015", "all-months", "all-days"],
    ["all-years", "01", "01"],
    ["2015", "13", "01"],
    ["15", "01", "01"],
  ])("refuse %s/%s/%s", (year, month, day) => {
    expect(problemOf(() => topPeriod(year, month, day))).toBe("Given year/month/day is invalid date");
  });

  it("refuse a bad top-by-country month with its own text", () => {
    expect(problemOf(() => countryMonth("2015", "00"))).toBe("Given year/month is invalid date");
  });
});
