import { describe, expect, it } from "vitest";
import { continentOf, countryName } from "./countries.ts";

describe("countries", () => {
  it.each([
    ["GB", "United Kingdom", "Europe"],
    ["US", "United States", "North America"],
    ["BR", "Brazil", "South America"],
    ["CD", "DR Congo", "Africa"],
    ["JP", "Japan", "Asia"],
    ["TR", "Turkey", "Asia"],
    ["RU", "Russia", "Europe"],
    ["AU", "Australia", "Oceania"],
    ["AQ", "Antarctica", "Antarctica"],
    ["XK", "Kosovo", "Europe"],
  ])("names %s %s, in %s, as MaxMind does", (code, name, continent) => {
    expect(countryName(code)).toBe(name);
    expect(continentOf(code)).toBe(continent);
  });

  it.each(["ZZ", "", "gb", "--", "constructor"])("knows nothing of %j", (code) => {
    expect(countryName(code)).toBeUndefined();
    expect(continentOf(code)).toBeUndefined();
  });
});
