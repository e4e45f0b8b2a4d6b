import type { AgentType } from "./types.ts";

/** An actor's metrics over the 24 hours ending at the labelled hour (`webrequest_actor_metrics_rollup_hourly`). */
export interface ActorRollup {
  actorSignature: string;
  isPageview: boolean;
  isRedirectToPageview: boolean;
  pageviewCount: number;
  /** Over the whole window; `null` when all requests fell in the same second. */
  pageviewRatePerMin: number | null;
  nocookies: number;
  userAgentLength: number;
  /** The mean of the hourly distinct-page counts. */
  avgDistinctPagesVisited: number;
  /** Hourly rows with at least one distinct page. */
  rolledUpHours: number;
  maxDiffIpGroupSize: number;
  diffIpGroupCount: number;
}

export type ActorLabel = "automated" | "user" | "unclassified";

export type ActorLabelRuleId =
  | "diff-ip-spider"
  | "few-pageviews"
  | "many-pageviews"
  | "high-request-rate"
  | "cookieless-low-variety"
  | "suspicious-user-agent"
  | "low-request-rate"
  | "unclassified";

/** One rule of the actor classification; `docs/definition.md` documents each by its id. */
export interface ActorLabelRule {
  id: ActorLabelRuleId;
  label: ActorLabel;
  /** Wikimedia's label reason, as stored in `automated_reasons`. */
  reason: string;
  /** The condition, with its threshold. */
  summary: string;
  matches: (actor: ActorRollup) => boolean;
}

const DIFF_IP_GROUP_THRESHOLD = 3;
const FEW_PAGEVIEWS = 10;
const MANY_PAGEVIEWS = 800;
/** One pageview every two seconds. */
const HIGH_RATE_PER_MIN = 30;
const COOKIELESS_NOCOOKIES = 10;
const COOKIELESS_PAGEVIEWS = 100;
/** Fewer than 20 distinct pages per 100 pageviews. */
const COOKIELESS_PAGE_VARIETY = 0.2;
const SHORTEST_USER_AGENT = 25;
const LONGEST_USER_AGENT = 400;

/**
 * Pages per pageview over the window. The hourly average times the hours undoes the averaging;
 * a page read in several hours counts once per hour.
 */
function pageVariety(actor: ActorRollup): number {
  return (actor.avgDistinctPagesVisited * actor.rolledUpHours) / actor.pageviewCount;
}

const UNCLASSIFIED: ActorLabelRule = {
  id: "unclassified",
  label: "unclassified",
  reason: "unclassified",
  summary: "no rule above matched",
  matches: () => true,
};

/**
 * Wikimedia's rules, in order; the first that matches labels the actor. A `null` rate (all requests
 * in one second) matches neither rate rule, as SQL NULL compares false.
 */
export const actorLabelRules: readonly ActorLabelRule[] = Object.freeze([
  {
    id: "diff-ip-spider",
    label: "automated",
    reason: "ip with spider behavior",
    summary: `max_diff_ip_group_size ≥ ${DIFF_IP_GROUP_THRESHOLD} or diff_ip_group_count ≥ ${DIFF_IP_GROUP_THRESHOLD}`,
    matches: (a) =>
      a.maxDiffIpGroupSize >= DIFF_IP_GROUP_THRESHOLD || a.diffIpGroupCount >= DIFF_IP_GROUP_THRESHOLD,
  },
  {
    id: "few-pageviews",
    label: "user",
    reason: "less than 10 req",
    summary: `pageview_count < ${FEW_PAGEVIEWS}`,
    matches: (a) => a.pageviewCount < FEW_PAGEVIEWS,
  },
  {
    id: "many-pageviews",
    label: "automated",
    reason: "more than 800 req",
    summary: `pageview_count > ${MANY_PAGEVIEWS}`,
    matches: (a) => a.pageviewCount > MANY_PAGEVIEWS,
  },
  {
    id: "high-request-rate",
    label: "automated",
    reason: "high request ratio",
    summary: `pageview_rate_per_min ≥ ${HIGH_RATE_PER_MIN}`,
    matches: (a) => a.pageviewRatePerMin !== null && a.pageviewRatePerMin >= HIGH_RATE_PER_MIN,
  },
  {
    id: "cookieless-low-variety",
    label: "automated",
    reason: "too many requests w/o cookies and small page_title variability",
    summary:
      `nocookies > ${COOKIELESS_NOCOOKIES} and pageview_count > ${COOKIELESS_PAGEVIEWS} and ` +
      `avg_distinct_pages_visited_count × rolled_up_hours / pageview_count < ${COOKIELESS_PAGE_VARIETY}`,
    matches: (a) =>
      a.nocookies > COOKIELESS_NOCOOKIES &&
      a.pageviewCount > COOKIELESS_PAGEVIEWS &&
      pageVariety(a) < COOKIELESS_PAGE_VARIETY,
  },
  {
    id: "suspicious-user-agent",
    label: "automated",
    reason: "suspicious UA",
    summary: `user_agent_length > ${LONGEST_USER_AGENT} or < ${SHORTEST_USER_AGENT}`,
    matches: (a) => a.userAgentLength > LONGEST_USER_AGENT || a.userAgentLength < SHORTEST_USER_AGENT,
  },
  {
    id: "low-request-rate",
    label: "user",
    reason: "low request ratio",
    summary: "pageview_rate_per_min = 0",
    matches: (a) => a.pageviewRatePerMin === 0,
  },
  UNCLASSIFIED,
]);

export interface ActorVerdict {
  label: ActorLabel;
  ruleId: ActorLabelRuleId;
  reason: string;
}

export function labelActor(actor: ActorRollup): ActorVerdict {
  const rule = actorLabelRules.find((r) => r.matches(actor)) ?? UNCLASSIFIED;
  return { label: rule.label, ruleId: rule.id, reason: rule.reason };
}

/** `pageview_actor.automated_reasons`: why each kind of the actor's traffic was labelled automated. */
export interface AutomatedReasons {
  pageview?: string;
  redirect_to_pageview?: string;
}

/** The signatures labelled `automated` in an hour's rollups, with the reasons per kind of traffic. */
export function automatedActors(rollups: Iterable<ActorRollup>): Map<string, AutomatedReasons> {
  const automated = new Map<string, AutomatedReasons>();
  for (const rollup of rollups) {
    const verdict = labelActor(rollup);
    if (verdict.label !== "automated") continue;
    let reasons = automated.get(rollup.actorSignature);
    if (reasons === undefined) {
      reasons = {};
      automated.set(rollup.actorSignature, reasons);
    }
    if (rollup.isPageview) reasons.pageview = verdict.reason;
    else if (rollup.isRedirectToPageview) reasons.redirect_to_pageview = verdict.reason;
  }
  return automated;
}

export interface LabelledAgent {
  agentType: AgentType;
  /** Set exactly when the label turned the request `automated`. */
  automatedReasons: AutomatedReasons | null;
}

/**
 * Applies the hour's labels to one request (pageview_actor): a `user` request whose
 * `actor_signature_per_project_family` is labelled automated becomes `automated`, whichever kind of
 * its traffic earned the label. Spiders stay spiders.
 */
export function applyActorLabel(
  agentType: "user" | "spider",
  actorSignature: string | null,
  automated: ReadonlyMap<string, AutomatedReasons>,
): LabelledAgent {
  const reasons = agentType === "user" && actorSignature !== null ? automated.get(actorSignature) : undefined;
  return reasons === undefined
    ? { agentType, automatedReasons: null }
    : { agentType: "automated", automatedReasons: reasons };
}
