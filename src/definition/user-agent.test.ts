import { describe, expect, it } from "vitest";
import { readConformanceCsv } from "../../test/support/conformance.ts";
import { loadUapRegexes } from "../refine/user-agent-regexes.ts";
import {
  MAX_PARSED_UA_LENGTH,
  requiredLiteral,
  translateJavaRegex,
  type UapRegexes,
  type UserAgentMap,
  UserAgentParser,
  wikipediaAppVersion,
} from "./user-agent.ts";

const uapCore = loadUapRegexes();
const parser = new UserAgentParser(uapCore);

const CHROME_ON_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36";

function regexes(partial: Partial<UapRegexes>): UapRegexes {
  return { user_agent_parsers: [], os_parsers: [], device_parsers: [], ...partial };
}

describe("UserAgentParser on Wikimedia's most popular user agents (ua_most_popular_test_data.csv)", () => {
  /**
   * Rows (1-based, header excluded) where uap-core differs from the uap-java 1.5.3 regexes Wikimedia's
   * expectations came from, with the reason. uap-core 0.18.0 reproduces all 100 rows, so it is empty;
   * a row listed here must keep failing, so the list cannot go stale.
   */
  const expectedMisses: ReadonlyMap<number, string> = new Map();
  const rows = readConformanceCsv("ua_most_popular_test_data.csv").map(([userAgent = "", json = ""], i) => ({
    row: i + 1,
    userAgent,
    expected: JSON.parse(json) as UserAgentMap,
  }));

  it("reads all 100 rows and allows at most 5 misses", () => {
    expect(rows).toHaveLength(100);
    expect(expectedMisses.size).toBeLessThanOrEqual(5);
  });

  it.each(rows)("row $row: $userAgent", ({ row, userAgent, expected }) => {
    // Wikimedia's test does not assert wmf_app_version; it is compared here because it is ours alone.
    const actual = parser.parse(userAgent);
    if (expectedMisses.has(row)) expect(actual).not.toEqual(expected);
    else expect(actual).toEqual(expected);
  });
});

describe("UserAgentParser around the uap parse (RS UAParser)", () => {
  it("does not parse a user agent longer than 400 characters: every field is -", () => {
    const long = `${CHROME_ON_WINDOWS} ${"x".repeat(MAX_PARSED_UA_LENGTH)}`;
    expect(parser.parse(long)).toEqual({
      browser_family: "-",
      browser_major: "-",
      device_family: "-",
      os_family: "-",
      os_major: "-",
      os_minor: "-",
      wmf_app_version: "-",
    });
  });

  it("still parses a user agent of exactly 400 characters", () => {
    const atLimit = CHROME_ON_WINDOWS.padEnd(MAX_PARSED_UA_LENGTH, " ");
    expect(parser.parse(atLimit)).toMatchObject({ browser_family: "Chrome", browser_major: "88" });
  });

  it.each(["", "-"])("gives Other families and - versions for %j", (userAgent) => {
    expect(parser.parse(userAgent)).toEqual({
      browser_family: "Other",
      browser_major: "-",
      device_family: "Other",
      os_family: "Other",
      os_major: "-",
      os_minor: "-",
      wmf_app_version: "-",
    });
  });

  it("returns the cached map for a repeated user agent", () => {
    const cached = new UserAgentParser(uapCore, { cacheSize: 10 });
    const first = cached.parse(CHROME_ON_WINDOWS);
    const again = cached.parse(["Mozilla/5.0", CHROME_ON_WINDOWS.slice(11)].join(""));
    expect(again).toBe(first);
    expect(again).toEqual(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("parses again, to an equal map, when the cache is disabled", () => {
    const uncached = new UserAgentParser(uapCore, { cacheSize: 0 });
    const first = uncached.parse(CHROME_ON_WINDOWS);
    const again = uncached.parse(CHROME_ON_WINDOWS);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it("compiles every uap-core pattern", () => {
    expect(parser.rejectedPatterns).toEqual([]);
  });
});

describe("wikipediaAppVersion", () => {
  it("takes the text between WikipediaApp/ and the next space", () => {
    expect(wikipediaAppVersion("WikipediaApp/6.7.4.1791 (iOS 14.4; Phone)")).toBe("6.7.4.1791");
    expect(parser.parse("WikipediaApp/2.7.50470-r-2024-01-01 (Android 13; Phone) Google Play")).toMatchObject(
      {
        wmf_app_version: "2.7.50470-r-2024-01-01",
        os_family: "Android",
      },
    );
  });

  it("takes the rest of the user agent when no space follows", () => {
    expect(wikipediaAppVersion("WikipediaApp/6.7.4")).toBe("6.7.4");
  });

  it("is - unless the user agent starts with WikipediaApp/", () => {
    expect(wikipediaAppVersion("Mozilla/5.0 WikipediaApp/6.7.4 (iOS 14.4; Phone)")).toBe("-");
    expect(wikipediaAppVersion("wikipediaapp/6.7.4 (iOS 14.4; Phone)")).toBe("-");
    expect(wikipediaAppVersion("WikipediaApp/ (iOS 14.4; Phone)")).toBe("-");
  });
});

describe("UserAgentParser applying uap-core rules", () => {
  it("uses the first matching regex of each list, searching anywhere in the user agent", () => {
    const uap = new UserAgentParser(
      regexes({
        user_agent_parsers: [
          { regex: "(Foo)/(\\d+)" },
          { regex: "(Bar)/(\\d+)" },
          { regex: "(Foo|Bar)/(\\d+)" },
        ],
      }),
    );
    expect(uap.parse("x Bar/7 Foo/9")).toMatchObject({ browser_family: "Foo", browser_major: "9" });
  });

  it("fills family, major and minor from groups 1, 2, 3 unless replaced", () => {
    const uap = new UserAgentParser(
      regexes({
        user_agent_parsers: [
          { regex: "(Nav)/(\\d+)", family_replacement: "Navigator ($1)", v1_replacement: "1" },
        ],
        os_parsers: [{ regex: "(Win)(\\d+)\\.(\\d+)" }],
      }),
    );
    expect(uap.parse("Nav/42 Win10.3")).toMatchObject({
      browser_family: "Navigator (Nav)",
      browser_major: "1",
      os_family: "Win",
      os_major: "10",
      os_minor: "3",
    });
  });

  it("substitutes $1…$9 in OS replacements, missing groups becoming -", () => {
    const uap = new UserAgentParser(
      regexes({
        os_parsers: [
          {
            regex: "CPU OS (\\d+)_(\\d+)(?:_(\\d+))?",
            os_replacement: "iOS",
            os_v1_replacement: "$1",
            os_v2_replacement: "$3",
          },
        ],
      }),
    );
    expect(uap.parse("CPU OS 14_4")).toMatchObject({ os_family: "iOS", os_major: "14", os_minor: "-" });
  });

  it("skips a browser or OS match that yields no family, as uap-java does", () => {
    const uap = new UserAgentParser(
      regexes({ user_agent_parsers: [{ regex: "(?:(Alpha)|Beta)/(\\d+)" }, { regex: "(Beta)/(\\d+)" }] }),
    );
    expect(uap.parse("Beta/3")).toMatchObject({ browser_family: "Beta", browser_major: "3" });
  });

  it("builds the device family from $n placeholders, emptying missing groups and trimming", () => {
    const uap = new UserAgentParser(
      regexes({
        device_parsers: [{ regex: "; (Pedi)(?:_(Plus))? Build", device_replacement: " Odys $1 $2 " }],
      }),
    );
    expect(uap.parse("Linux; Pedi Build/1")).toMatchObject({ device_family: "Odys Pedi" });
  });

  it("stops at the first matching device regex even when it yields no family", () => {
    const uap = new UserAgentParser(
      regexes({
        device_parsers: [{ regex: "Kindle(\\d)?" }, { regex: "(Kindle)", device_replacement: "Kindle" }],
      }),
    );
    expect(uap.parse("Kindle")).toMatchObject({ device_family: "-" });
  });

  it("honours regex_flag i on device regexes only", () => {
    const uap = new UserAgentParser(
      regexes({
        user_agent_parsers: [{ regex: "(crawler)", regex_flag: "i" }],
        device_parsers: [{ regex: "crawler", regex_flag: "i", device_replacement: "Spider" }],
      }),
    );
    expect(uap.parse("MyCRAWLER")).toMatchObject({ browser_family: "Other", device_family: "Spider" });
  });

  it("leaves out, and reports, a pattern JavaScript cannot run, keeping the others", () => {
    const uap = new UserAgentParser(
      regexes({
        os_parsers: [{ regex: "([a-z&&[^x]]+)OS" }, { regex: "(Haiku)" }],
      }),
    );
    expect(uap.rejectedPatterns).toEqual([
      { list: "os_parsers", regex: "([a-z&&[^x]]+)OS", reason: "nested or intersected character class" },
    ]);
    expect(uap.parse("Haiku")).toMatchObject({ os_family: "Haiku" });
  });
});

describe("translateJavaRegex", () => {
  it("leaves every uap-core pattern as it is (they are all portable today)", () => {
    const patterns = [...uapCore.user_agent_parsers, ...uapCore.os_parsers, ...uapCore.device_parsers];
    const changed = patterns.filter(({ regex }) => translateJavaRegex(regex).source !== regex);
    expect(changed).toEqual([]);
  });

  it.each([
    ["a++b", "a+b"],
    ["a*+b?+c{2,3}+", "a*b?c{2,3}"],
    ["\\++x", "\\++x"],
    ["[*+]+", "[*+]+"],
    ["a+?b*?", "a+?b*?"],
    ["(?>ab|a)c", "(?:ab|a)c"],
    ["\\Aab\\z", "^ab$"],
    ["ab\\Z", "ab(?=\\n?$)"],
    ["\\Qa.b(c\\E+", "a\\.b\\(c+"],
    ["(?:x)(?=y)(?!z)(?<=w)(?<n>v)", "(?:x)(?=y)(?!z)(?<=w)(?<n>v)"],
  ])("rewrites %s as %s", (java, javascript) => {
    expect(translateJavaRegex(java)).toEqual({ source: javascript, flags: "" });
    expect(() => new RegExp(javascript)).not.toThrow();
  });

  it("turns a leading (?i) into the i flag", () => {
    expect(translateJavaRegex("(?i)bot")).toEqual({ source: "bot", flags: "i" });
  });

  it.each([
    ["a(?i)b", /unsupported group/],
    ["[a-z&&[^e]]", /nested or intersected/],
    ["[]a]", /starting with \]/],
    ["\\p{L}+", /Java-only escape/],
    ["[\\h]", /Java-only escape/],
    ["[ab", /unterminated/],
  ])("refuses %s, which JavaScript would read differently", (java, reason) => {
    expect(() => translateJavaRegex(java)).toThrow(reason);
  });
});

describe("requiredLiteral", () => {
  it.each([
    ["; {0,2}([^;]{1,200}) Build/Karbonn", " Build/Karbonn"],
    ["(PlayBook).{1,200}RIM Tablet OS (\\d+)\\.(\\d+)", "RIM Tablet OS "],
    ["(Windows NT 6\\.2; ARM;)", "Windows NT 6.2; ARM;"],
    ["Nexus 5X?", "Nexus 5"],
    ["(?:Touchlet )?(X10\\.[^;/]{1,100}?)", "X10."],
    ["Chrome(?=/9)x", "Chrome"],
    ["(Foo|Bar)baz", "baz"],
    ["Foo|Bar", ""],
    ["(?:abc)+d", "d"],
    ["\\bab\\d", "ab"],
    ["^.{0,100}$", ""],
  ])("finds in %s the text %j", (source, literal) => {
    expect(requiredLiteral(source, false)).toBe(literal);
  });

  it("lower-cases and keeps to ASCII for case-insensitive regexes", () => {
    expect(requiredLiteral("; {0,2}(K-Touch)[ _]", true)).toBe("k-touch");
    expect(requiredLiteral("Größe Bot", true)).toBe("e bot");
  });

  it("is contained in every user agent a uap-core regex matches", () => {
    const userAgents = [
      ...readConformanceCsv("ua_most_popular_test_data.csv").map(([ua = ""]) => ua),
      ...readConformanceCsv("isSpider_test_data.csv").map(([, , ua = ""]) => ua),
    ];
    const patterns = [...uapCore.user_agent_parsers, ...uapCore.os_parsers, ...uapCore.device_parsers];
    const violations: string[] = [];
    let matches = 0;
    for (const { regex: pattern, regex_flag } of patterns) {
      const regex = new RegExp(pattern, regex_flag);
      const literal = requiredLiteral(pattern, regex.ignoreCase);
      for (const ua of userAgents) {
        if (!regex.test(ua)) continue;
        matches++;
        if (!(regex.ignoreCase ? ua.toLowerCase() : ua).includes(literal))
          violations.push(`${pattern} ~ ${ua}`);
      }
    }
    expect(matches).toBeGreaterThan(500);
    expect(violations).toEqual([]);
  });
});
