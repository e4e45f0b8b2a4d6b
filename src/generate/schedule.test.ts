import { describe, expect, it } from "vitest";
import { Random } from "./random.ts";
import { diurnalWeight, planHours, spreadOverSeconds } from "./schedule.ts";

const midnight = Date.parse("2026-07-12T00:00:00Z") / 1000;

describe("diurnalWeight", () => {
  it("peaks in the afternoon UTC at 2 to 3 times its trough and averages 1", () => {
    const hourly = Array.from({ length: 24 }, (_, h) => diurnalWeight(h + 0.5));
    const peak = hourly.indexOf(Math.max(...hourly));
    const trough = hourly.indexOf(Math.min(...hourly));
    expect(peak).toBeGreaterThanOrEqual(13);
    expect(peak).toBeLessThanOrEqual(18);
    expect(trough).toBeLessThanOrEqual(6);
    expect(Math.max(...hourly) / Math.min(...hourly)).toBeGreaterThan(2);
    expect(Math.max(...hourly) / Math.min(...hourly)).toBeLessThan(3);
    expect(hourly.reduce((a, b) => a + b) / 24).toBeCloseTo(1, 2);
  });
});

describe("planHours", () => {
  it("shares an exact number of lines over the hours along the curve", () => {
    const plan = planHours(midnight, 24, { lines: 100_003 });
    expect(plan.reduce((sum, h) => sum + h.requests, 0)).toBe(100_003);
    expect(plan.map((h) => h.start)).toEqual(Array.from({ length: 24 }, (_, i) => midnight + i * 3600));
    const counts = plan.map((h) => h.requests);
    expect(Math.max(...counts) / Math.min(...counts)).toBeGreaterThan(2);
  });

  it("gives each hour the rate times the curve", () => {
    const [hour] = planHours(midnight + 15 * 3600, 1, { rate: 10 });
    expect(hour?.requests).toBe(Math.round(36_000 * diurnalWeight(15.5)));
  });

  it("handles starts that are not on the hour", () => {
    const plan = planHours(midnight + 600, 2, { lines: 10 });
    expect(plan.map((h) => h.start)).toEqual([midnight + 600, midnight + 4200]);
  });
});

describe("spreadOverSeconds", () => {
  it("places every request in one of the 3600 seconds", () => {
    const perSecond = new Uint32Array(3600);
    spreadOverSeconds(50_000, new Random(1), perSecond);
    expect(perSecond.reduce((a, b) => a + b, 0)).toBe(50_000);
    expect(Math.max(...perSecond)).toBeLessThan(40);
  });
});
