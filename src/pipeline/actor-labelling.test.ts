import { describe, expect, it } from "vitest";
import {
  type ActorLabelRuleId,
  type ActorRollup,
  actorLabelRules,
  applyActorLabel,
  automatedActors,
  labelActor,
} from "../definition/actor-label.ts";
import { HourlyActorMetricsBuilder, rollUp } from "./actor-metrics.ts";
import type { ActorObservation } from "./actor-observation.ts";

/** An actor no rule catches: 50 pageviews at 5 a minute, cookies, 25 distinct pages, an ordinary UA. */
function actor(overrides: Partial<ActorRollup> = {}): ActorRollup {
  return {
    actorSignature: "sig-a",
    isPageview: true,
    isRedirectToPageview: false,
    pageviewCount: 50,
    pageviewRatePerMin: 5,
    nocookies: 0,
    userAgentLength: 100,
    avgDistinctPagesVisited: 12.5,
    rolledUpHours: 2,
    maxDiffIpGroupSize: 0,
    diffIpGroupCount: 0,
    ...overrides,
  };
}

function ruleOf(overrides: Partial<ActorRollup>): ActorLabelRuleId {
  return labelActor(actor(overrides)).ruleId;
}

/** Cookieless traffic over 2 hours whose distinct pages per pageview come to `variety`. */
function cookieless(nocookies: number, pageviewCount: number, variety: number): Partial<ActorRollup> {
  return {
    nocookies,
    pageviewCount,
    avgDistinctPagesVisited: (variety * pageviewCount) / 2,
    rolledUpHours: 2,
  };
}

describe("actor label rules", () => {
  it("are the eight rules, in Wikimedia's order", () => {
    expect(actorLabelRules.map((r) => r.id)).toEqual([
      "diff-ip-spider",
      "few-pageviews",
      "many-pageviews",
      "high-request-rate",
      "cookieless-low-variety",
      "suspicious-user-agent",
      "low-request-rate",
      "unclassified",
    ]);
  });

  it("leave an ordinary actor unclassified", () => {
    expect(labelActor(actor())).toEqual({
      label: "unclassified",
      ruleId: "unclassified",
      reason: "unclassified",
    });
  });

  it("label an IP in a diff group of 3 automated, but not one of 2", () => {
    expect(labelActor(actor({ maxDiffIpGroupSize: 3 }))).toEqual({
      label: "automated",
      ruleId: "diff-ip-spider",
      reason: "ip with spider behavior",
    });
    expect(ruleOf({ maxDiffIpGroupSize: 2 })).toBe("unclassified");
  });

  it("label an IP in 3 diff groups automated, but not one in 2", () => {
    expect(ruleOf({ diffIpGroupCount: 3 })).toBe("diff-ip-spider");
    expect(ruleOf({ diffIpGroupCount: 2 })).toBe("unclassified");
  });

  it("label fewer than 10 pageviews user", () => {
    expect(labelActor(actor({ pageviewCount: 9 }))).toEqual({
      label: "user",
      ruleId: "few-pageviews",
      reason: "less than 10 req",
    });
    expect(ruleOf({ pageviewCount: 10 })).toBe("unclassified");
  });

  it("label more than 800 pageviews automated: 801, not 800 or 799", () => {
    expect(labelActor(actor({ pageviewCount: 801 }))).toEqual({
      label: "automated",
      ruleId: "many-pageviews",
      reason: "more than 800 req",
    });
    expect(ruleOf({ pageviewCount: 800 })).toBe("unclassified");
    expect(ruleOf({ pageviewCount: 799 })).toBe("unclassified");
  });

  it("label 30 pageviews a minute automated, but not 29", () => {
    expect(labelActor(actor({ pageviewRatePerMin: 30 }))).toEqual({
      label: "automated",
      ruleId: "high-request-rate",
      reason: "high request ratio",
    });
    expect(ruleOf({ pageviewRatePerMin: 29 })).toBe("unclassified");
  });

  it("label many cookieless pageviews of few pages automated", () => {
    expect(labelActor(actor(cookieless(11, 101, 0.19)))).toEqual({
      label: "automated",
      ruleId: "cookieless-low-variety",
      reason: "too many requests w/o cookies and small page_title variability",
    });
  });

  it("need more than 10 cookieless requests, more than 100 pageviews and a variety under 0.2", () => {
    expect(ruleOf(cookieless(10, 101, 0.19))).toBe("unclassified");
    expect(ruleOf(cookieless(11, 100, 0.19))).toBe("unclassified");
    expect(ruleOf(cookieless(11, 101, 0.2))).toBe("unclassified");
    expect(ruleOf(cookieless(11, 101, 0.21))).toBe("unclassified");
  });

  it("measure variety as the hourly average times the hours, over the pageviews", () => {
    // 20 distinct pages over 101 pageviews is 0.198: few enough.
    expect(ruleOf({ nocookies: 11, pageviewCount: 101, avgDistinctPagesVisited: 5, rolledUpHours: 4 })).toBe(
      "cookieless-low-variety",
    );
    expect(
      ruleOf({ nocookies: 11, pageviewCount: 101, avgDistinctPagesVisited: 5.25, rolledUpHours: 4 }),
    ).toBe("unclassified");
  });

  it("label a user agent shorter than 25 or longer than 400 characters automated", () => {
    expect(labelActor(actor({ userAgentLength: 24 }))).toEqual({
      label: "automated",
      ruleId: "suspicious-user-agent",
      reason: "suspicious UA",
    });
    expect(ruleOf({ userAgentLength: 25 })).toBe("unclassified");
    expect(ruleOf({ userAgentLength: 400 })).toBe("unclassified");
    expect(ruleOf({ userAgentLength: 401 })).toBe("suspicious-user-agent");
  });

  it("label a rate under one pageview a minute user", () => {
    expect(labelActor(actor({ pageviewRatePerMin: 0 }))).toEqual({
      label: "user",
      ruleId: "low-request-rate",
      reason: "low request ratio",
    });
  });

  it("let a null rate match neither rate rule", () => {
    expect(ruleOf({ pageviewRatePerMin: null })).toBe("unclassified");
    expect(ruleOf({ pageviewRatePerMin: null, userAgentLength: 10 })).toBe("suspicious-user-agent");
  });

  describe("apply the first rule that matches", () => {
    it("so fewer than 10 pageviews is user even with a 10-character UA or a high rate", () => {
      expect(ruleOf({ pageviewCount: 9, userAgentLength: 10, pageviewRatePerMin: 100 })).toBe(
        "few-pageviews",
      );
    });

    it("so diff-IP behaviour outranks having few pageviews", () => {
      expect(ruleOf({ pageviewCount: 2, diffIpGroupCount: 3 })).toBe("diff-ip-spider");
    });

    it("so a suspicious UA outranks a low rate", () => {
      expect(ruleOf({ userAgentLength: 10, pageviewRatePerMin: 0 })).toBe("suspicious-user-agent");
    });

    it("so a high rate outranks cookieless browsing and reports its own reason", () => {
      expect(ruleOf({ ...cookieless(11, 101, 0.1), pageviewRatePerMin: 40 })).toBe("high-request-rate");
    });
  });
});

describe("automated actors", () => {
  it("maps each automated signature to its reasons per kind of traffic", () => {
    const automated = automatedActors([
      actor({ actorSignature: "bot", pageviewCount: 900 }),
      actor({ actorSignature: "bot", isPageview: false, isRedirectToPageview: true, pageviewRatePerMin: 31 }),
      actor({
        actorSignature: "redirects-only",
        isPageview: false,
        isRedirectToPageview: true,
        userAgentLength: 5,
      }),
      actor({ actorSignature: "human", pageviewCount: 3 }),
      actor({ actorSignature: "unsure" }),
    ]);
    expect(Object.fromEntries(automated)).toEqual({
      bot: { pageview: "more than 800 req", redirect_to_pageview: "high request ratio" },
      "redirects-only": { redirect_to_pageview: "suspicious UA" },
    });
  });
});

describe("applying the label", () => {
  const automated = automatedActors([actor({ actorSignature: "bot", pageviewCount: 900 })]);

  it("turns a user request of an automated actor automated, with the reasons", () => {
    expect(applyActorLabel("user", "bot", automated)).toEqual({
      agentType: "automated",
      automatedReasons: { pageview: "more than 800 req" },
    });
  });

  it("leaves spiders, other actors and requests without a signature alone", () => {
    expect(applyActorLabel("spider", "bot", automated)).toEqual({
      agentType: "spider",
      automatedReasons: null,
    });
    expect(applyActorLabel("user", "someone", automated)).toEqual({
      agentType: "user",
      automatedReasons: null,
    });
    expect(applyActorLabel("user", null, automated)).toEqual({ agentType: "user", automatedReasons: null });
  });
});

describe("from requests to labels", () => {
  const start = Date.UTC(2024, 2, 1, 10) / 1000;

  function request(
    signature: string,
    ts: number,
    pageTitle: string,
    userAgentLength = 100,
  ): ActorObservation {
    return {
      actorSignature: signature,
      ipKey: `ip-${signature}`,
      ts,
      isPageview: true,
      isRedirectToPageview: false,
      nocookies: 0,
      userAgentLength,
      pageTitle,
      diffEvidence: null,
    };
  }

  function labelsAt(hour: string, hours: Record<string, ActorObservation[]>) {
    const rows = Object.entries(hours).flatMap(([h, observations]) => {
      const builder = new HourlyActorMetricsBuilder();
      for (const o of observations) builder.add(o);
      return builder.build(h);
    });
    return Object.fromEntries(rollUp(hour, rows).map((r) => [r.actorSignature, labelActor(r).ruleId]));
  }

  it("labels a fast crawler automated and a slow reader user", () => {
    const crawler = Array.from({ length: 60 }, (_, i) => request("crawler", start + i, `P${i}`));
    const reader = Array.from({ length: 12 }, (_, i) => request("reader", start + i * 300, `R${i}`));
    expect(labelsAt("2024030110", { "2024030110": [...crawler, ...reader] })).toEqual({
      crawler: "high-request-rate",
      reader: "low-request-rate",
    });
  });

  it("forgets an actor's activity once it is more than 24 hours old", () => {
    const burst = Array.from({ length: 900 }, (_, i) => request("bulk", start + (i % 3000), `P${i}`));
    const later = Array.from({ length: 12 }, (_, i) => request("bulk", start + 86_400 + i * 300, `Q${i}`));
    const hours = { "2024030110": burst, "2024030210": later };
    expect(labelsAt("2024030209", hours).bulk).toBe("many-pageviews");
    expect(labelsAt("2024030210", hours).bulk).toBe("low-request-rate");
  });
});
