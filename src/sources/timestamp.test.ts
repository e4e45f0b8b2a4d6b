import { describe, expect, it } from "vitest";
import { commonLogTimeToUtc, normaliseIsoTimestamp } from "./timestamp.ts";

describe("normaliseIsoTimestamp", () => {
  it.each([
    ["2024-03-01T12:34:56Z", "2024-03-01T12:34:56Z"],
    ["2024-03-01T12:34:56.789Z", "2024-03-01T12:34:56Z"],
    ["2024-03-01T12:34:56,5Z", "2024-03-01T12:34:56Z"],
    ["2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00Z"],
    ["2024-03-01T01:00:00+0200", "2024-02-29T23:00:00Z"],
    ["2024-03-01T01:00:00+02", "2024-02-29T23:00:00Z"],
    ["2023-12-31T23:30:00-01:00", "2024-01-01T00:30:00Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"],
    ["0050-06-01T00:00:00Z", "0050-06-01T00:00:00Z"],
    ["0050-06-01T00:00:00+01:00", "0050-05-31T23:00:00Z"],
  ])("reads %s as %s", (input, expected) => {
    expect(normaliseIsoTimestamp(input)).toBe(expected);
  });

  it.each([
    ["no time zone", "2024-03-01T12:34:56"],
    ["a date only", "2024-03-01"],
    ["a space instead of T", "2024-03-01 12:34:56Z"],
    ["month 13", "2024-13-01T00:00:00Z"],
    ["30 February", "2024-02-30T00:00:00Z"],
    ["29 February outside a leap year", "2023-02-29T00:00:00Z"],
    ["hour 24", "2024-03-01T24:00:00Z"],
    ["second 60", "2024-03-01T23:59:60Z"],
    ["a zone offset of 24 hours", "2024-03-01T00:00:00+24:00"],
    ["a year past 9999 once in UTC", "9999-12-31T23:00:00-02:00"],
    ["text", "yesterday"],
    ["an empty string", ""],
  ])("refuses %s", (_what, input) => {
    expect(normaliseIsoTimestamp(input)).toBeUndefined();
  });

  it("gives the right answer when the same value repeats and then changes", () => {
    expect(normaliseIsoTimestamp("2024-03-01T12:00:00+01:00")).toBe("2024-03-01T11:00:00Z");
    expect(normaliseIsoTimestamp("2024-03-01T12:00:00+01:00")).toBe("2024-03-01T11:00:00Z");
    expect(normaliseIsoTimestamp("2024-03-01T12:00:00-01:00")).toBe("2024-03-01T13:00:00Z");
  });
});

describe("commonLogTimeToUtc", () => {
  it.each([
    ["10/Oct/2000:13:55:36 -0700", "2000-10-10T20:55:36Z"],
    ["01/Jan/2024:00:30:00 +0100", "2023-12-31T23:30:00Z"],
    ["29/Feb/2024:23:59:59 +0000", "2024-02-29T23:59:59Z"],
    ["15/Aug/2024:12:00:00 +0530", "2024-08-15T06:30:00Z"],
  ])("converts %s to %s", (input, expected) => {
    expect(commonLogTimeToUtc(input)).toBe(expected);
  });

  it.each([
    ["an unknown month", "10/Okt/2000:13:55:36 -0700"],
    ["a lower-case month", "10/oct/2000:13:55:36 -0700"],
    ["31 April", "31/Apr/2024:00:00:00 +0000"],
    ["no zone", "10/Oct/2000:13:55:36"],
    ["a zone with 60 minutes", "10/Oct/2000:13:55:36 +0060"],
    ["an ISO time", "2000-10-10T13:55:36Z"],
  ])("refuses %s", (_what, input) => {
    expect(commonLogTimeToUtc(input)).toBeUndefined();
  });
});
