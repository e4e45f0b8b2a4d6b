import { describe, expect, it } from "vitest";
import { readConformanceCsv } from "../../test/support/conformance.ts";
import { isPageviewHostname, isWmfHostname, normalizeHost, projectFromHost } from "./host.ts";

describe("isWmfHostname", () => {
  it.each([
    "en.wikipedia.org",
    "recommend.wmflabs.org",
    "stats.wmcloud.org",
    "tools.toolforge.org",
    "www.wikifunctions.org",
    "upload.wikimedia.org",
    "EN.WIKIPEDIA.ORG",
    "en.wikipedia.org..",
  ])("accepts %s", (host) => {
    expect(isWmfHostname(host)).toBe(true);
  });

  it.each(["boogers.com", "wikipedia", "org", "", ".org", "wikipedia.org.example.com", "en.wikipedia.co"])(
    "rejects %j",
    (host) => {
      expect(isWmfHostname(host)).toBe(false);
    },
  );

  it("rejects a host longer than 800 characters", () => {
    const long = `${"a".repeat(786)}.wikipedia.org`;
    expect(long.length).toBe(800);
    expect(isWmfHostname(long)).toBe(true);
    expect(isWmfHostname(`a${long}`)).toBe(false);
  });
});

describe("isPageviewHostname", () => {
  it.each([
    "en.wikipedia.org",
    "en.m.wikipedia.org",
    "test2.wikipedia.org",
    "nl.wikimedia.org",
    "commons.m.wikimedia.org",
    "wikimania.wikimedia.org",
    "www.wikidata.org",
    "www.wikifunctions.org",
    "m.wikimediafoundation.org",
    "wikimediafoundation.org",
    "other.mediawiki.org.",
    "en.wikipedia.org.",
    "En.M.Wikimedia.org",
  ])("accepts %s", (host) => {
    expect(isPageviewHostname(host)).toBe(true);
  });

  it.each([
    "www.wikipedia.org",
    "donate.wikipedia.org",
    "arbcom-en.wikipedia.org",
    "sysop-it.wikipedia.org",
    "15.wikipedia.org",
    "query.wikidata.org",
    "test.wikidata.org",
    "test.wikimediafoundation.org",
    "doc.wikimedia.org",
    "wikimania2015.wikimedia.org",
    "nl8-blah.wikimedia.org",
    "upload.wikimedia.org",
    "wrongwikipedia.org",
    "usability.badwikimedia.org",
    "wikifunctions.bad.org",
    "en.wikipedia.org.evil.com",
  ])("rejects %s", (host) => {
    expect(isPageviewHostname(host)).toBe(false);
  });
});

describe("projectFromHost", () => {
  it.each([
    ["en.m.wikipedia.org", "en.wikipedia"],
    ["www.wikidata.org", "wikidata"],
    ["m.wikimediafoundation.org", "wikimediafoundation"],
    ["wikimediafoundation.org", "wikimediafoundation"],
    ["commons.m.wikimedia.org", "commons.wikimedia"],
    ["wikimania.wikimedia.org", "wikimania.wikimedia"],
    ["En.Wikipedia.Org", "en.wikipedia"],
    ["en.m.zero.wikipedia.org", "en.wikipedia"],
    ["download.wikipedia.org", "wikipedia"],
  ])("%s → %s", (host, project) => {
    expect(projectFromHost(host)).toBe(project);
  });

  it("ignores a trailing dot, as Java's split drops trailing empty labels", () => {
    expect(projectFromHost("en.m.wikimedia.org.")).toBe("en.wikimedia");
    expect(projectFromHost("en.wikipedia.org...")).toBe("en.wikipedia");
  });

  it.each(["localhost", "", "a.b.c.d.e.wikipedia.org"])("gives '-' for %j (not 2 to 5 labels)", (host) => {
    expect(projectFromHost(host)).toBe("-");
  });

  it("gives '-' for a host longer than 800 characters", () => {
    expect(projectFromHost(`${"a".repeat(801)}.wikipedia.org`)).toBe("-");
  });
});

describe("normalizeHost", () => {
  describe("Wikimedia's normalize_host_test_data.csv", () => {
    const cases = readConformanceCsv("normalize_host_test_data.csv").map(
      ([description, projectFamily, project, qualifiers, tld, host]) => ({
        description,
        host: host ?? "",
        expected: {
          projectFamily,
          project,
          qualifiers: qualifiers ? qualifiers.split(";") : [],
          tld,
        },
      }),
    );

    it.each(cases)("$description ($host)", ({ host, expected }) => {
      expect(normalizeHost(host)).toEqual(expected);
    });
  });

  it("treats every middle label as a qualifier", () => {
    expect(normalizeHost("fr.m.zero.wap.wikipedia.org")).toEqual({
      projectFamily: "wikipedia",
      project: "fr",
      qualifiers: ["m", "zero", "wap"],
      tld: "org",
    });
  });

  it("collapses runs of '/' as well as '.'", () => {
    expect(normalizeHost("en./wikipedia.org").project).toBe("en");
  });

  it("gives all '-' for a blank host", () => {
    expect(normalizeHost("  ")).toEqual({ projectFamily: "-", project: "-", qualifiers: [], tld: "-" });
  });
});
