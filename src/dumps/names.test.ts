import { describe, expect, it } from "vitest";
import { daysOf, dumpPath, parquetPath, parseDumpName } from "./names.ts";

describe("dumpPath", () => {
  it("names hourly files after the end of their hour, in the folder of that name", () => {
    expect(dumpPath({ kind: "pageviews", hour: "2024010100" })).toBe(
      "pageviews/2024/2024-01/pageviews-20240101-010000.gz",
    );
    expect(dumpPath({ kind: "projectviews", hour: "2024013123" })).toBe(
      "pageviews/2024/2024-02/projectviews-20240201-000000",
    );
  });

  it("names pageview_complete files after their real day or month", () => {
    expect(dumpPath({ kind: "complete-daily", day: "20240131", agent: "spider" })).toBe(
      "pageview_complete/2024/2024-01/pageviews-20240131-spider.bz2",
    );
    expect(dumpPath({ kind: "complete-monthly", month: "202401", agent: "user" })).toBe(
      "pageview_complete/monthly/2024/2024-01/pageviews-202401-user.bz2",
    );
    expect(parquetPath("20240105")).toBe("pageview_hourly/2024/2024-01/pageview_hourly-20240105.parquet");
  });
});

describe("parseDumpName", () => {
  it("reads back every name dumpPath writes", () => {
    const files = [
      { kind: "pageviews", hour: "2023123123" },
      { kind: "projectviews", hour: "2024022900" },
      { kind: "pagecounts", hour: "2015063012" },
      { kind: "complete-daily", day: "20240229", agent: "automated" },
      { kind: "complete-monthly", month: "202402", agent: "user" },
    ] as const;
    for (const file of files) {
      expect(parseDumpName(dumpPath(file).split("/").pop() as string)).toEqual(file);
    }
  });

  it("takes decompressed names and webstatscollector's odd seconds", () => {
    expect(parseDumpName("pageviews-20240101-000000")).toEqual({ kind: "pageviews", hour: "2023123123" });
    expect(parseDumpName("pagecounts-20140101-010001.gz")).toEqual({
      kind: "pagecounts",
      hour: "2014010100",
    });
    expect(parseDumpName("pageviews-20240101-user")).toEqual({
      kind: "complete-daily",
      day: "20240101",
      agent: "user",
    });
  });

  it("is null for other names and impossible dates", () => {
    for (const name of [
      "pageviews-20240230-010000.gz",
      "pageviews-20240101-250000.gz",
      "notes.txt",
      "pageviews-202413-user.bz2",
      "pageviews-20240101-bot.bz2",
    ]) {
      expect(parseDumpName(name), name).toBeNull();
    }
  });
});

describe("daysOf", () => {
  it("lists 31, 29 and 30 days", () => {
    expect(daysOf("202401")).toHaveLength(31);
    expect(daysOf("202402").at(-1)).toBe("20240229");
    expect(daysOf("202404").at(-1)).toBe("20240430");
  });
});
