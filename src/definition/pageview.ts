import { isPageviewHostname, isWmfHostname, projectFromHost } from "./host.ts";
import { memoize } from "./memo.ts";
import type { RawRequest } from "./types.ts";
import { languageVariantFromPath, pageTitleFromUri } from "./uri.ts";
import type { XAnalytics } from "./x-analytics.ts";

/** One rule of the pageview definition; `docs/definition.md` documents each by its id. */
export interface PageviewRule {
  id: string;
  summary: string;
  reason: string;
}

/** Every rule, in the order they are checked. Ids are stable: `refine --explain` and the docs use them. */
export const pageviewRules = Object.freeze([
  {
    id: "success-status",
    summary: "The HTTP status is 200 or 304.",
    reason:
      "Only a page that was served counts. 304 is a page the browser already had and showed again. " +
      "Redirects (301, 302, 307) are judged by the redirect rules instead.",
  },
  {
    id: "wmf-hostname",
    summary: "The host is under a domain the Wikimedia Foundation runs (wikipedia.org, wikimedia.org, …).",
    reason:
      "Requests for other sites reach the servers too (stray DNS, proxies); they are not Wikimedia traffic.",
  },
  {
    id: "pageview-hostname",
    summary:
      "The host is a public content wiki: a project-family wiki, a content wiki on wikimedia.org, or Wikidata, Wikifunctions, MediaWiki.org or the Foundation site.",
    reason:
      "Only reading a wiki counts. Portals (www.wikipedia.org), fundraising (donate.), private wikis " +
      "(arbcom-, sysop-), test wikis, documentation and query services serve no articles to readers.",
  },
  {
    id: "content-consumption",
    summary:
      "X-Analytics does not mark the request as a preview or debug request, nor as a special page other " +
      "than Search, RecentChanges, Version, ViewObject or AllEvents.",
    reason:
      "MediaWiki marks these in X-Analytics. Previews and debug requests are not reads, and most special " +
      "pages are tools (log-in, e-mail confirmation) rather than content (T226730).",
  },
  {
    id: "web-content-type",
    summary:
      "A request not from the Wikipedia apps is served as HTML: one of five exact text/html Content-Type values.",
    reason: "Pages are HTML. Images, scripts, styles and JSON are parts of a page or data, not pageviews.",
  },
  {
    id: "web-not-api-php",
    summary: "The path does not contain api.php.",
    reason: "The action API answers some errors with 200 and text/html; those are not page reads.",
  },
  {
    id: "web-path-or-query",
    summary:
      "The path starts with an article prefix (/wiki/, /w/, /view/, /v/, /sr-ec/, /zh-hant/, …) or the query " +
      "starts with curid=, oldid=, title= or search=.",
    reason:
      "These are the URL shapes that render a page; other HTML (error pages, static files) is not an article view.",
  },
  {
    id: "web-not-edit",
    summary: "The query contains neither action=edit nor action=submit (so veaction=edit also fails).",
    reason: "Opening the editor and previewing an edit are editing, not reading.",
  },
  {
    id: "app-tagged-pageview",
    summary:
      "A request from the Wikipedia apps (user agent contains WikipediaApp) carries pageview=1 in X-Analytics.",
    reason:
      "The apps fetch pages through the APIs, in pieces and ahead of time; only the app knows when a page " +
      "was shown, so it tags that one request. Untagged app requests are never pageviews.",
  },
  {
    id: "redirect-status",
    summary: "The HTTP status is 301, 302 or 307, and the request would otherwise be a pageview.",
    reason:
      "A redirect to a page (en.wikipedia.org to en.m.wikipedia.org on a phone) is part of one read. It is " +
      "kept as is_redirect_to_pageview so bot detection sees the whole visit, but it is not counted as a pageview.",
  },
  {
    id: "redirect-content-type",
    summary: "The redirect is served as one of the text/html types or with no content type (-).",
    reason: "Redirects often have no body; a redirect with another content type does not lead to a page.",
  },
] as const satisfies readonly PageviewRule[]);

type RuleId = (typeof pageviewRules)[number]["id"];

export interface PageviewVerdict {
  isPageview: boolean;
  isRedirectToPageview: boolean;
  /** For a rejection, the rule that failed first; otherwise the rules that admitted the request. */
  rules: readonly string[];
}

function verdict(
  isPageview: boolean,
  isRedirectToPageview: boolean,
  rules: readonly RuleId[],
): PageviewVerdict {
  return Object.freeze({ isPageview, isRedirectToPageview, rules: Object.freeze(rules) });
}

// Verdicts are shared constants, so classifying a request allocates nothing.
const HOST_AND_CONTENT: readonly RuleId[] = ["wmf-hostname", "pageview-hostname", "content-consumption"];
const WEB_PATH: readonly RuleId[] = ["web-not-api-php", "web-path-or-query", "web-not-edit"];
const REDIRECT: readonly RuleId[] = ["redirect-status", "redirect-content-type"];
const WEB_PAGEVIEW = verdict(true, false, [
  "success-status",
  ...HOST_AND_CONTENT,
  "web-content-type",
  ...WEB_PATH,
]);
const APP_PAGEVIEW = verdict(true, false, ["success-status", ...HOST_AND_CONTENT, "app-tagged-pageview"]);
const WEB_REDIRECT = verdict(false, true, [...REDIRECT, ...HOST_AND_CONTENT, ...WEB_PATH]);
const APP_REDIRECT = verdict(false, true, [...REDIRECT, ...HOST_AND_CONTENT, "app-tagged-pageview"]);
const REJECTED = Object.fromEntries(
  pageviewRules.map((rule) => [rule.id, verdict(false, false, [rule.id])]),
) as Record<RuleId, PageviewVerdict>;

const SUCCESS_STATUSES: ReadonlySet<string> = new Set(["200", "304"]);
const REDIRECT_STATUSES: ReadonlySet<string> = new Set(["301", "302", "307"]);
/** Compared exactly: `text/html;charset=UTF-8` (no space) is not a pageview content type. */
const HTML_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "text/html",
  "text/html; charset=iso-8859-1",
  "text/html; charset=ISO-8859-1",
  "text/html; charset=utf-8",
  "text/html; charset=UTF-8",
]);
const CONTENT_SPECIAL_PAGES: ReadonlySet<string> = new Set([
  "search",
  "recentchanges",
  "version",
  "viewobject",
  "allevents",
]);
/** The app-pageview test; access_method uses a wider pattern that also knows iOS's `Wikipedia/5.0.`. */
const APP_USER_AGENT_MARKER = "WikipediaApp";
const ARTICLE_PATH = /^(\/sr(-(ec|el))?|\/w(iki)?|\/v(iew)?|\/zh(-(cn|hans|hant|hk|mo|my|sg|tw))?)\//;
const ARTICLE_QUERY = /\?((cur|old)id|title|search)=/;
/** Searched, not anchored: also catches `veaction=edit` and `veaction=editsource`. */
const EDIT_ACTION = /action=edit|action=submit/;

/**
 * Judges a request against the pageview definition (Wikimedia's `is_pageview` and
 * `is_redirect_to_pageview`) and names the rules that decided.
 */
export function classifyPageview(request: RawRequest, xAnalytics: XAnalytics): PageviewVerdict {
  const status = request.http_status;
  if (SUCCESS_STATUSES.has(status)) {
    const outcome = judge(request, xAnalytics, false);
    return outcome === "web" ? WEB_PAGEVIEW : outcome === "app" ? APP_PAGEVIEW : REJECTED[outcome];
  }
  if (REDIRECT_STATUSES.has(status)) {
    const contentType = request.content_type;
    if (!HTML_CONTENT_TYPES.has(contentType) && contentType.trim() !== "-")
      return REJECTED["redirect-content-type"];
    // The redirect is judged as the page it leads to: status 200, content type text/html.
    const outcome = judge(request, xAnalytics, true);
    return outcome === "web" ? WEB_REDIRECT : outcome === "app" ? APP_REDIRECT : REJECTED[outcome];
  }
  return REJECTED["success-status"];
}

export function isPageview(request: RawRequest, xAnalytics: XAnalytics): boolean {
  return classifyPageview(request, xAnalytics).isPageview;
}

export function isRedirectToPageview(request: RawRequest, xAnalytics: XAnalytics): boolean {
  return classifyPageview(request, xAnalytics).isRedirectToPageview;
}

/** Everything after the status check: the first failing rule, or which kind of pageview it is. */
function judge(request: RawRequest, xAnalytics: XAnalytics, assumeHtml: boolean): RuleId | "web" | "app" {
  const hostRule = failingHostRule(request.uri_host);
  if (hostRule !== null) return hostRule;
  if (!denotesContentConsumption(xAnalytics)) return "content-consumption";
  if (request.user_agent.includes(APP_USER_AGENT_MARKER)) {
    return (xAnalytics.get("pageview") ?? "").trim() === "1" ? "app" : "app-tagged-pageview";
  }
  if (!assumeHtml && !HTML_CONTENT_TYPES.has(request.content_type)) return "web-content-type";
  const path = request.uri_path;
  const query = request.uri_query;
  if (path.includes("api.php")) return "web-not-api-php";
  if (!ARTICLE_PATH.test(path) && !ARTICLE_QUERY.test(query)) return "web-path-or-query";
  if (EDIT_ACTION.test(query)) return "web-not-edit";
  return "web";
}

/** A day of traffic has a few thousand distinct hosts, so their verdicts are memoised. */
const failingHostRule = memoize((rawHost: string): RuleId | null => {
  const host = rawHost.trim().toLowerCase();
  return !isWmfHostname(host) ? "wmf-hostname" : !isPageviewHostname(host) ? "pageview-hostname" : null;
});

const projectOfRawHost = memoize((rawHost: string) => projectFromHost(rawHost.trim()));

function denotesContentConsumption(xAnalytics: XAnalytics): boolean {
  const special = (xAnalytics.get("special") ?? "").trim().toLowerCase();
  const preview = (xAnalytics.get("preview") ?? "").trim();
  const debug = (xAnalytics.get("debug") ?? "").trim();
  if (special === "" && preview === "" && debug === "") return true;
  if (preview === "1" || debug === "1") return false;
  // So `preview=0` without `special` fails, as in Wikimedia's definition.
  return CONTENT_SPECIAL_PAGES.has(special);
}

/**
 * Whether the request is for an API rather than a page (webrequest's `is_api_request`): the action
 * and REST APIs of every wiki, api.wikimedia.org, and the query and event-stream services.
 * Compared exactly, as Wikimedia's `LIKE` does.
 */
export function isApiRequest(host: string, path: string): boolean {
  return (
    path.startsWith("/w/api.php") ||
    path.startsWith("/w/rest.php") ||
    REST_API_PATH.test(path) ||
    host === "api.wikimedia.org" ||
    (host === "query.wikidata.org" && path.startsWith("/bigdata/namespace/wdq/sparql")) ||
    (host === "commons-query.wikimedia.org" && path.startsWith("/sparql")) ||
    (host === "stream.wikimedia.org" && path.startsWith("/v2/stream"))
  );
}

const REST_API_PATH = /^\/api\/rest_v[0-9]+/;

export interface PageviewInfo {
  project: string;
  languageVariant: string;
  pageTitle: string;
}

/** Project, language variant and title of a pageview (or redirect to one); unknown parts are `-`. */
export function pageviewInfo(request: RawRequest): PageviewInfo {
  return {
    project: projectOfRawHost(request.uri_host),
    languageVariant: languageVariantFromPath(request.uri_path),
    pageTitle: pageTitleFromUri(request.uri_path, request.uri_query),
  };
}

/** The page id MediaWiki put in X-Analytics (`page_id`), or null when absent or not a number. */
export function pageIdFrom(xAnalytics: XAnalytics): number | null {
  return castToBigint(xAnalytics.get("page_id"));
}

/** The namespace id MediaWiki put in X-Analytics (`ns`), or null when absent or not a number. */
export function namespaceIdFrom(xAnalytics: XAnalytics): number | null {
  return castToBigint(xAnalytics.get("ns"));
}

/** Spark's CAST(… AS BIGINT): surrounding whitespace allowed, a fractional part truncated. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: Spark trims control characters as whitespace.
const SPARK_INTEGER = /^[\x00-\x20]*([+-]?)([0-9]*)(\.[0-9]*)?[\x00-\x20]*$/;

/** Values beyond 2^53 would lose digits as a JS number; they give null rather than a wrong id. */
function castToBigint(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (isShortDigitRun(value)) return Number(value);
  const match = SPARK_INTEGER.exec(value);
  if (match === null) return null;
  const [, sign, digits = "", fraction] = match;
  if (digits === "" && fraction === undefined) return null;
  const magnitude = digits === "" ? 0 : Number(digits);
  if (!Number.isSafeInteger(magnitude)) return null;
  return sign === "-" && magnitude !== 0 ? -magnitude : magnitude;
}

/** Up to 15 digits and nothing else (the usual id), which the cast reads without a regex. */
function isShortDigitRun(value: string): boolean {
  const length = value.length;
  if (length === 0 || length > 15) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
