import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { classifyPageview, pageviewInfo } from "../definition/pageview.ts";
import type { RawRequest } from "../definition/types.ts";
import { parseXAnalytics } from "../definition/x-analytics.ts";
import { observeActor, type RefinedRequestFacts } from "./actor-observation.ts";

const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
const hashIp = (ip: string) => createHmac("sha256", "test-secret").update(ip).digest("hex");

function request(overrides: Partial<RawRequest> = {}): RawRequest {
  return {
    dt: "2024-03-01T10:15:30Z",
    ip: "203.0.113.7",
    uri_host: "en.wikipedia.org",
    uri_path: "/wiki/Horseshoe_crab",
    uri_query: "",
    http_status: "200",
    content_type: "text/html; charset=UTF-8",
    user_agent: USER_AGENT,
    referer: "-",
    accept_language: "en-GB,en;q=0.9",
    x_analytics: "ns=0;page_id=123",
    ...overrides,
  };
}

/** What the refine stage would know, from the real definition code. */
function factsOf(raw: RawRequest, overrides: Partial<RefinedRequestFacts> = {}): RefinedRequestFacts {
  const xAnalytics = parseXAnalytics(raw.x_analytics);
  const verdict = classifyPageview(raw, xAnalytics);
  const info = verdict.isPageview || verdict.isRedirectToPageview ? pageviewInfo(raw) : null;
  return {
    isPageview: verdict.isPageview,
    isRedirectToPageview: verdict.isRedirectToPageview,
    project: info?.project ?? null,
    pageTitle: info?.pageTitle ?? null,
    agentType: "user",
    countryCode: "GB",
    xAnalytics,
    ...overrides,
  };
}

function observe(overrides: Partial<RawRequest> = {}, facts: Partial<RefinedRequestFacts> = {}) {
  const raw = request(overrides);
  return observeActor(raw, factsOf(raw, facts), hashIp);
}

describe("observing an actor", () => {
  it("records a user pageview under its per-project-family signature and a keyed IP hash", () => {
    const observation = observe({ uri_host: "en.m.wikipedia.org" });
    const expectedSignature = createHash("md5")
      .update(`203.0.113.7${USER_AGENT}en-GB,en;q=0.9wikipedia`)
      .digest("hex");
    expect(observation).toEqual({
      actorSignature: expectedSignature,
      ipKey: hashIp("203.0.113.7"),
      ts: Date.UTC(2024, 2, 1, 10, 15, 30) / 1000,
      isPageview: true,
      isRedirectToPageview: false,
      nocookies: 0,
      userAgentLength: USER_AGENT.length,
      pageTitle: "Horseshoe_crab",
      diffEvidence: null,
    });
  });

  it("gives one actor the same signature on every wiki of a project family, and another on other families", () => {
    const english = observe({ uri_host: "en.wikipedia.org" });
    const german = observe({ uri_host: "de.m.wikipedia.org" });
    const wiktionary = observe({ uri_host: "en.wiktionary.org" });
    expect(english?.actorSignature).toBe(german?.actorSignature);
    expect(english?.actorSignature).not.toBe(wiktionary?.actorSignature);
  });

  it("keeps neither the IP nor the user agent", () => {
    const text = JSON.stringify(observe());
    expect(text).not.toContain("203.0.113.7");
    expect(text).not.toContain("Firefox");
    expect(text).not.toContain("en-GB");
  });

  it("observes redirects to pageviews", () => {
    const observation = observe({ http_status: "301", content_type: "-" });
    expect(observation).toMatchObject({ isPageview: false, isRedirectToPageview: true });
  });

  describe("leaves out what Wikimedia's metrics filter leaves out", () => {
    it("spiders", () => {
      expect(observe({}, { agentType: "spider" })).toBeNull();
    });

    it("Google Web Light proxy user agents", () => {
      expect(observe({ user_agent: `${USER_AGENT} googleweblight` })).toBeNull();
      expect(observe({ user_agent: `${USER_AGENT} GoogleWebLight` })).not.toBeNull();
    });

    it("requests that are neither pageviews nor redirects to them", () => {
      expect(observe({ uri_path: "/w/api.php", uri_query: "?action=query" })).toBeNull();
      expect(observe({ http_status: "404" })).toBeNull();
    });

    it("pageviews without a project", () => {
      expect(observe({}, { project: "" })).toBeNull();
      expect(observe({}, { project: null })).toBeNull();
    });

    it("requests whose time cannot be read", () => {
      expect(observe({ dt: "yesterday" })).toBeNull();
    });
  });

  it("reads nocookies as a number, 0 when absent or not numeric", () => {
    expect(observe({ x_analytics: "nocookies=1" })?.nocookies).toBe(1);
    expect(observe({ x_analytics: "nocookies= 3 " })?.nocookies).toBe(3);
    expect(observe({ x_analytics: "nocookies=yes" })?.nocookies).toBe(0);
    expect(observe({ x_analytics: "ns=0" })?.nocookies).toBe(0);
  });

  it("measures the user agent in characters, not UTF-16 units", () => {
    expect(observe({ user_agent: `${USER_AGENT} 🦀` })?.userAgentLength).toBe(USER_AGENT.length + 2);
  });
});

describe("diff evidence", () => {
  const diff = (query: string, extra: Partial<RawRequest> = {}) =>
    observe({ uri_path: "/w/index.php", uri_query: query, uri_host: "EN.wikipedia.org", ...extra })
      ?.diffEvidence;

  it("records a diff view by domain, page and country", () => {
    expect(diff("?title=Horseshoe_crab&diff=123&oldid=122")).toEqual({
      domain: "en.wikipedia.org",
      countryCode: "GB",
      diffPageKey: "Horseshoe_crab",
      historyPageKey: null,
      refererDiffPageKey: null,
    });
    expect(diff("?diff=123&oldid=122&title=Horseshoe_crab")?.diffPageKey).toBe("Horseshoe_crab");
  });

  it("records a history view as evidence of a human reader of that page", () => {
    expect(diff("?title=Horseshoe_crab&action=history")).toMatchObject({
      diffPageKey: null,
      historyPageKey: "Horseshoe_crab",
    });
  });

  it("records the page of a diff referer with `&diff=`", () => {
    const referer = "https://en.wikipedia.org/w/index.php?title=Limulus&diff=5&oldid=4";
    expect(diff("?title=Horseshoe_crab&diff=123", { referer })?.refererDiffPageKey).toBe("Limulus");
  });

  it("ignores a diff referer whose `diff=` follows the `?`, as Wikimedia's LIKE does", () => {
    const referer = "https://en.wikipedia.org/w/index.php?diff=5&oldid=4&title=Limulus";
    expect(diff("?title=Horseshoe_crab&diff=123", { referer })?.refererDiffPageKey).toBeNull();
  });

  it("ignores a diff referer on a request that is not itself a diff", () => {
    const referer = "https://en.wikipedia.org/w/index.php?title=Limulus&diff=5";
    expect(diff("?title=Horseshoe_crab", { referer })).toBeNull();
  });

  it("needs a diff query, a known title and the exact path /w/index.php", () => {
    expect(diff("?title=Horseshoe_crab&olddiff=1")).toBeNull();
    expect(diff("?curid=5&diff=123")).toBeNull();
    expect(diff("?title=Horseshoe_crab&diff=123", { uri_path: "/w/index.php/Horseshoe_crab" })).toBeNull();
    expect(observe({ uri_query: "?diff=123" })?.diffEvidence).toBeNull();
  });
});
