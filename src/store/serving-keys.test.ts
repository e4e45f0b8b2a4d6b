import { describe, expect, it } from "vitest";
import {
  dayKey,
  dayRange,
  daysOfMonth,
  hourKey,
  monthKey,
  monthRange,
  storedAccess,
  storedAgent,
} from "./serving-keys.ts";
import type { ApiAccess, ApiAgent } from "./store.ts";

describe("serving keys", () => {
  it("maps the API's access names to the stored access methods", () => {
    expect(storedAccess("mobile-web")).toBe("mobile web");
    expect(storedAccess("mobile-app")).toBe("mobile app");
    expect(storedAccess("desktop")).toBe("desktop");
    expect(storedAccess("all-access")).toBe("all-access");
    expect(() => storedAccess("mobile web" as ApiAccess)).toThrow(RangeError);
    expect(storedAgent("automated")).toBe("automated");
    expect(() => storedAgent("bot" as ApiAgent)).toThrow(RangeError);
  });

  it("accepts only real hours, days and months", () => {
    expect(hourKey("2024022923")).toBe(2024022923);
    for (const bad of ["2023022900", "2024010124", "202401010", "2024-01-01", "２０２４０１０１００"]) {
      expect(() => hourKey(bad), bad).toThrow(RangeError);
    }
    expect(dayKey("20240229")).toBe(20240229);
    expect(() => dayKey("20240230")).toThrow(RangeError);
    expect(monthKey("202412")).toBe(202412);
    expect(() => monthKey("202413")).toThrow(RangeError);
  });

  it("selects the days and months whose API timestamp lies in the range", () => {
    expect(dayRange("2015070100", "2015070300")).toEqual({ first: 20150701, last: 20150703 });
    // 2015070100 is before a 01 hour: the 1st is out, the day after is in.
    expect(dayRange("2015070101", "2015070323")).toEqual({ first: 20150702, last: 20150703 });
    expect(monthRange("2015100100", "2015113000")).toEqual({ first: 201510, last: 201511 });
    expect(monthRange("2015100200", "2015110100")).toEqual({ first: 201511, last: 201511 });
    expect(monthRange("2015101500", "2015103100")).toEqual({ first: 201511, last: 201510 });
  });

  it("knows the length of each month", () => {
    expect(daysOfMonth(202402)).toEqual({ first: 20240201, last: 20240229 });
    expect(daysOfMonth(202302)).toEqual({ first: 20230201, last: 20230228 });
    expect(daysOfMonth(202412)).toEqual({ first: 20241201, last: 20241231 });
  });
});
