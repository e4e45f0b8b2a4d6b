import { describe, expect, it } from "vitest";
import { readConformanceCsv } from "../../test/support/conformance.ts";
import { domainCode, projectFromDomainCode, projectFromEzCode } from "./domain-code.ts";

/** The examples of the spec's domain-code table (section 8): project, desktop code, mobile code. */
const EXAMPLES = [
  ["en.wikipedia", "en", "en.m"],
  ["de.wikivoyage", "de.voy", "de.m.voy"],
  ["en.wiktionary", "en.d", "en.m.d"],
  ["commons.wikimedia", "commons.m", "commons.m.m"],
  ["wikidata", "www.wd", "m.wd"],
  ["mediawiki", "www.w", "m.w"],
  ["wikimediafoundation", "www.f", "m.f"],
  ["zh-min-nan.wikipedia", "zh-min-nan", "zh-min-nan.m"],
] as const;

describe("domainCode", () => {
  it.each(EXAMPLES)("%s → %s (desktop), %s (mobile)", (project, desktop, mobile) => {
    expect(domainCode(project, "desktop")).toBe(desktop);
    expect(domainCode(project, "mobile web")).toBe(mobile);
    expect(domainCode(project, "mobile app")).toBe(mobile);
  });

  it("gives every family its suffix", () => {
    const codes = ["books", "news", "quote", "source", "versity"].map((f) =>
      domainCode(`fr.wiki${f}`, "desktop"),
    );
    expect(codes).toEqual(["fr.b", "fr.n", "fr.q", "fr.s", "fr.v"]);
    expect(domainCode("wikipedia", "desktop")).toBe("www");
    expect(domainCode("wikipedia", "mobile web")).toBe("m");
  });

  it("is null for families the dumps do not know", () => {
    expect(domainCode("wikifunctions", "desktop")).toBeNull();
    expect(domainCode("en.wikifunctions", "mobile web")).toBeNull();
    expect(domainCode("a.b.wikipedia", "desktop")).toBeNull();
    expect(domainCode("", "desktop")).toBeNull();
  });
});

describe("projectFromDomainCode", () => {
  it.each(EXAMPLES)("reads back the codes of %s", (project) => {
    expect(projectFromDomainCode(domainCode(project, "desktop") as string)).toEqual({
      project,
      mobile: false,
    });
    expect(projectFromDomainCode(domainCode(project, "mobile web") as string)).toEqual({
      project,
      mobile: true,
    });
  });

  it("reads the single-label codes of wikipedia.org and wikimedia.org", () => {
    expect(projectFromDomainCode("www")).toEqual({ project: "wikipedia", mobile: false });
    expect(projectFromDomainCode("m")).toEqual({ project: "wikipedia", mobile: true });
    expect(projectFromDomainCode("www.m")).toEqual({ project: "wikimedia", mobile: false });
    expect(projectFromDomainCode("m.m")).toEqual({ project: "wikimedia", mobile: true });
  });

  it("reads `<x>.m` as mobile Wikipedia unless x is a known Wikimedia site", () => {
    expect(projectFromDomainCode("meta.m")).toEqual({ project: "meta.wikimedia", mobile: false });
    expect(projectFromDomainCode("ar.m")).toEqual({ project: "ar.wikipedia", mobile: true });
    expect(projectFromDomainCode("ar.m.m")).toEqual({ project: "ar.wikimedia", mobile: true });
  });

  it("is null for codes domainCode cannot produce", () => {
    for (const code of ["", "en.x", "en.m.x", "en.d.m", "a.m.b.d", "en..d", "en.d.", "en m"]) {
      expect(projectFromDomainCode(code), code).toBeNull();
    }
  });
});

describe("projectFromEzCode on Wikimedia's EZ-to-standard-project-names-data.csv", () => {
  const rows = readConformanceCsv("EZ-to-standard-project-names-data.csv");

  it("reads all 278 tested rows (the first line is taken as a header)", () => {
    expect(rows).toHaveLength(278);
  });

  it.each(rows)("%s → %s", (ezCode, project) => {
    expect(projectFromEzCode(ezCode as string)).toBe(project);
  });
});

describe("projectFromEzCode", () => {
  it("ignores the mobile totals", () => {
    expect(projectFromEzCode("en.mw")).toBeNull();
  });

  it("reads a bare language as Wikipedia", () => {
    expect(projectFromEzCode("az")).toBe("az.wikipedia");
  });

  it("is null for unknown letters and malformed codes", () => {
    for (const code of ["en.x", "", "en.", ".z", "en.z.z"]) {
      expect(projectFromEzCode(code), code).toBeNull();
    }
  });
});
