import { describe, expect, it } from "vitest";
import { readConformanceCsv } from "../../test/support/conformance.ts";
import { loadUapRegexes } from "../refine/user-agent-regexes.ts";
import { agentTypeOf, isSpider, spiderRuleFor, spiderRules } from "./spider.ts";
import { UserAgentParser } from "./user-agent.ts";

const parser = new UserAgentParser(loadUapRegexes());

/** uap-core reads WebPageTest's `PTST/` suffix as a Spider device; Wikimedia's regex sees nothing. */
const WEBPAGETEST =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 PTST/231208.160204";
const WHATSAPP_PREVIEW = "WhatsApp/2.23.20.0 A";
const CURL = "curl/7.64.1";
const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:86.0) Gecko/20100101 Firefox/86.0";

describe("isSpider (isSpider_test_data.csv)", () => {
  const rows = readConformanceCsv("isSpider_test_data.csv").map(
    ([description = "", spider = "", userAgent = ""]) => ({
      description,
      spider: spider === "true",
      userAgent,
    }),
  );

  it("reads all 62 rows", () => {
    expect(rows).toHaveLength(62);
  });

  it.each(rows)("$description: $userAgent", ({ spider, userAgent }) => {
    expect(isSpider(userAgent)).toBe(spider);
  });
});

describe("isSpider", () => {
  it("treats a missing user agent as -, a spider", () => {
    expect(isSpider(null)).toBe(true);
    expect(isSpider(undefined)).toBe(true);
  });

  it("does not treat an empty user agent as -", () => {
    expect(isSpider("")).toBe(false);
  });

  it("ignores case", () => {
    expect(isSpider("MyCrawler BOT")).toBe(true);
    expect(isSpider("CURL/8.0")).toBe(true);
  });

  it("matches tools, wiki pages and e-mail addresses only at the start of the user agent", () => {
    expect(isSpider("curl/8.4.0")).toBe(true);
    expect(isSpider(`${FIREFOX} curl/8.4.0`)).toBe(false);
    expect(isSpider("me@example.org MyTool/1.0")).toBe(true);
    expect(isSpider("MyTool/1.0 (me@example.org)")).toBe(false);
  });

  it("counts any user agent mentioning http as a spider", () => {
    expect(isSpider(`${FIREFOX} (see HTTPS://example.org)`)).toBe(true);
  });
});

describe("agentTypeOf", () => {
  it("is spider when uap-core says Spider though Wikimedia's regex does not", () => {
    for (const userAgent of [WEBPAGETEST, WHATSAPP_PREVIEW]) {
      const map = parser.parse(userAgent);
      expect(map.device_family).toBe("Spider");
      expect(isSpider(userAgent)).toBe(false);
      expect(agentTypeOf(userAgent, map)).toBe("spider");
    }
  });

  it("is spider when Wikimedia's regex says so though uap-core does not", () => {
    const map = parser.parse(CURL);
    expect(map.device_family).not.toBe("Spider");
    expect(agentTypeOf(CURL, map)).toBe("spider");
  });

  it("is user when neither does", () => {
    expect(agentTypeOf(FIREFOX, parser.parse(FIREFOX))).toBe("user");
  });
});

describe("spiderRuleFor", () => {
  it("names the uap-core rule first, as the refine HQL checks it first", () => {
    const googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    expect(spiderRuleFor(googlebot, parser.parse(googlebot))).toBe("spider-uap-device");
    expect(spiderRuleFor(WEBPAGETEST, parser.parse(WEBPAGETEST))).toBe("spider-uap-device");
  });

  it("names the regex rule when only the regex matches, and nothing for users", () => {
    expect(spiderRuleFor(CURL, parser.parse(CURL))).toBe("spider-ua-regex");
    expect(spiderRuleFor("-", parser.parse("-"))).toBe("spider-ua-regex");
    expect(spiderRuleFor(FIREFOX, parser.parse(FIREFOX))).toBeUndefined();
  });

  it("only returns ids that spiderRules documents", () => {
    expect(spiderRules.map((rule) => rule.id).sort()).toEqual(["spider-ua-regex", "spider-uap-device"]);
  });
});
