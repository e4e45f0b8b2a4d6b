import type { AgentType } from "./types.ts";
import type { UserAgentMap } from "./user-agent.ts";

export type SpiderRuleId = "spider-uap-device" | "spider-ua-regex";

/** The rules that make webrequest's `agent_type` `spider`, for `--explain` and the docs. */
export const spiderRules: readonly { id: SpiderRuleId; summary: string; reason: string }[] = [
  {
    id: "spider-uap-device",
    summary: "uap-core parses the user agent's device family as `Spider`.",
    reason:
      "uap-core keeps a maintained list of crawler, monitoring and preview agents that do not call " +
      "themselves bots (e.g. WhatsApp link previews, WebPageTest), so webrequest uses its verdict.",
  },
  {
    id: "spider-ua-regex",
    summary:
      "The user agent is `-` (absent) or matches Wikimedia's spider regex: `bot`, `spider` or `http` " +
      "anywhere, or a known tool or library (curl, Python, Java/…) or an e-mail address at the start.",
    reason:
      "Wikimedia's own list (RS `Webrequest.isSpider`) catches scripts and tools that uap-core does " +
      "not know, and well-behaved bots, which are asked to put a contact URL or e-mail in their UA.",
  },
];

// RS `Webrequest.isSpider` verbatim, `/` escaped; Java's leading `(?i)` becomes the `i` flag.
const SPIDER_UA =
  /^(.*(bot|spider|WordPress|AppEngine|AppleDictionaryService|Python-urllib|python-requests|Google-HTTP-Java-Client|[Ff]acebook|[Yy]ahoo|RockPeaks|PhantomJS|http).*|(goo wikipedia|MediaWikiCrawler-Google|wikiwix-bot|Java\/|curl|PHP\/|Faraday|HTTPC|Ruby|\.NET|Python|Apache|Scrapy|PycURL|libwww|Zend|wget|nodemw|WinHttpRaw|Twisted|com\.eusoft|Lagotto|Peggo|Recuweb|check_http|Magnus|MLD|Jakarta|find-link|J\. River|projectplan9|ADmantX|httpunit|LWP|iNaturalist|WikiDemo|FSResearchIt|livedoor|Microsoft Monitoring|MediaWiki|User:|User_talk:|github|tools.wmflabs.org|Blackboard Safeassign|Damn Small XSS|MeetingRoomApp|\S+@\S+\.[a-zA-Z]{2,3}).*)$/i;

const NO_USER_AGENT = "-";

/** Wikimedia's `isSpider`: `-` (and, unlike the Java, which crashes, a missing UA) or a regex match. */
export function isSpider(userAgent: string | null | undefined): boolean {
  const ua = userAgent ?? NO_USER_AGENT;
  return ua === NO_USER_AGENT || SPIDER_UA.test(ua);
}

/** The id of the rule that makes this request a spider (uap-core's verdict first, as in the HQL). */
export function spiderRuleFor(
  userAgent: string | null | undefined,
  userAgentMap: UserAgentMap,
): SpiderRuleId | undefined {
  if (userAgentMap.device_family === "Spider") return "spider-uap-device";
  if (isSpider(userAgent)) return "spider-ua-regex";
  return undefined;
}

/** Webrequest's `agent_type` before bot detection: `spider` or `user` (`automated` comes later). */
export function agentTypeOf(
  userAgent: string | null | undefined,
  userAgentMap: UserAgentMap,
): Extract<AgentType, "user" | "spider"> {
  return spiderRuleFor(userAgent, userAgentMap) === undefined ? "user" : "spider";
}
