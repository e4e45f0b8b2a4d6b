import { actorSignature } from "../definition/actor-signature.ts";
import { normalizeHost } from "../definition/host.ts";
import type { RawRequest } from "../definition/types.ts";
import type { XAnalytics } from "../definition/x-analytics.ts";
import type { DiffEvidence } from "./diff-ip-groups.ts";

/**
 * What one request contributes to bot detection. It is taken in the refine stage, while the raw
 * request is at hand, and keeps only pseudonymous keys: never the IP, user agent or accept-language.
 */
export interface ActorObservation {
  /** `actor_signature_per_project_family`: md5 of IP, UA, accept-language, project family and app id. */
  actorSignature: string;
  /** A keyed hash of the IP, for grouping and for the diff-IP features. */
  ipKey: string;
  /** Epoch seconds (Spark's `unix_timestamp` has second precision). */
  ts: number;
  isPageview: boolean;
  isRedirectToPageview: boolean;
  /** X-Analytics `nocookies` as a number: 0 when absent or not numeric. */
  nocookies: number;
  /** In characters (code points), as Spark's `length`. */
  userAgentLength: number;
  /** `pageview_info.page_title` (`-` when unknown). */
  pageTitle: string | null;
  /** Set for `/w/index.php` diff and history views only. */
  diffEvidence: DiffEvidence | null;
}

/** What the refine stage already knows about the request. */
export interface RefinedRequestFacts {
  isPageview: boolean;
  isRedirectToPageview: boolean;
  /** `pageview_info.project`; `null` when the request is neither a pageview nor a redirect to one. */
  project: string | null;
  pageTitle: string | null;
  agentType: "user" | "spider";
  countryCode: string;
  xAnalytics: XAnalytics;
}

/** Turns an IP into a stable pseudonymous key (e.g. an HMAC with a secret that is rotated). */
export type IpHasher = (ip: string) => string;

/**
 * The request's contribution to its actor's hourly metrics, or `null` when Wikimedia's metrics
 * filter leaves it out: neither a pageview nor a redirect to one, not a `user` agent, a Web Light
 * proxy UA, no project, or no actor signature.
 */
export function observeActor(
  request: RawRequest,
  refined: RefinedRequestFacts,
  hashIp: IpHasher,
): ActorObservation | null {
  if (refined.agentType !== "user") return null;
  if (!refined.isPageview && !refined.isRedirectToPageview) return null;
  if (refined.project === null || refined.project === "") return null;
  const userAgent = request.user_agent;
  // Google Web Light proxies pages for many users from few IPs, without X-Forwarded-For.
  if (userAgent.includes(WEB_LIGHT)) return null;
  const ts = Math.floor(Date.parse(request.dt) / 1000);
  if (Number.isNaN(ts)) return null;
  const signature = requestActorSignature(request, refined.xAnalytics);
  if (signature === null) return null;
  const ipKey = hashIp(request.ip);
  return {
    actorSignature: signature,
    ipKey,
    ts,
    isPageview: refined.isPageview,
    isRedirectToPageview: refined.isRedirectToPageview,
    nocookies: numericValue(refined.xAnalytics.get("nocookies")),
    userAgentLength: codePointLength(userAgent),
    pageTitle: refined.pageTitle,
    diffEvidence: diffEvidenceOf(request, refined),
  };
}

/** The request's `actor_signature_per_project_family`: what actor metrics and labels are keyed by. */
export function requestActorSignature(request: RawRequest, xAnalytics: XAnalytics): string | null {
  return actorSignature({
    ip: request.ip,
    userAgent: request.user_agent,
    acceptLanguage: request.accept_language,
    host: projectFamilyOf(request.uri_host),
    uriQuery: request.uri_query,
    xAnalytics,
  });
}

/** Case-sensitive, as Spark's `LIKE '%weblight%'`. */
const WEB_LIGHT = "weblight";

/** Pageview traffic has a few thousand distinct hosts, so their project families are memoised. */
const projectFamilies = new Map<string, string>();
const PROJECT_FAMILY_CACHE_LIMIT = 10_000;

function projectFamilyOf(host: string): string {
  let family = projectFamilies.get(host);
  if (family === undefined) {
    family = normalizeHost(host).projectFamily;
    if (projectFamilies.size >= PROJECT_FAMILY_CACHE_LIMIT) projectFamilies.clear();
    projectFamilies.set(host, family);
  }
  return family;
}

// The plain decimal numbers Spark's string-to-double cast accepts (not Java's `1d` or hex forms).
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Wikimedia sums the string through a double: non-numeric values drop out, i.e. count as 0. */
function numericValue(value: string | undefined): number {
  if (value === undefined) return 0;
  if (value === "1") return 1;
  return DECIMAL.test(value) ? Number(value) : 0;
}

const SURROGATE_PAIR_START = /[\uD800-\uDBFF]/;

function codePointLength(text: string): number {
  if (!SURROGATE_PAIR_START.test(text)) return text.length;
  let length = 0;
  for (const _ of text) length++;
  return length;
}

const INDEX_PHP = "/w/index.php";
const NO_TITLE = "-";
const HISTORY_ACTION = "action=history";
/** Greedy: the last `title=` with a value, as Spark's `regexp_extract(referer, '.*title=([^&]+).*')`. */
const REFERER_TITLE = /.*title=([^&]+)/;

/** Whether a request can be diff evidence at all: the cheap test before refining it. */
export function mayGiveDiffEvidence(request: RawRequest): boolean {
  return request.uri_path === INDEX_PHP;
}

/**
 * Wikimedia's conditions, compared as its `LIKE`s do: the exact raw path `/w/index.php`, a query
 * starting with `?diff=` or holding `&diff=`. A referer counts as a diff by the same test, so in
 * practice only referers with `&diff=` qualify.
 */
function diffEvidenceOf(request: RawRequest, refined: RefinedRequestFacts): DiffEvidence | null {
  if (request.uri_path !== INDEX_PHP) return null;
  const query = request.uri_query;
  const title = refined.pageTitle !== null && refined.pageTitle !== NO_TITLE ? refined.pageTitle : null;
  const isDiffView = isDiffQuery(query);
  const diffPageKey = isDiffView ? title : null;
  const historyPageKey = query.includes(HISTORY_ACTION) ? title : null;
  const refererDiffPageKey =
    isDiffView && isDiffQuery(request.referer) ? (REFERER_TITLE.exec(request.referer)?.[1] ?? null) : null;
  if (diffPageKey === null && historyPageKey === null && refererDiffPageKey === null) return null;
  return {
    domain: request.uri_host.toLowerCase(),
    countryCode: refined.countryCode,
    diffPageKey,
    historyPageKey,
    refererDiffPageKey,
  };
}

function isDiffQuery(text: string): boolean {
  return text.startsWith("?diff=") || text.includes("&diff=");
}
