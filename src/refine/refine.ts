import { LRUCache } from "lru-cache";
import { accessMethod, accessMethodFromHost } from "../definition/access-method.ts";
import {
  classifyPageview,
  namespaceIdFrom,
  type PageviewVerdict,
  pageIdFrom,
  pageviewInfo,
} from "../definition/pageview.ts";
import type { RefererData } from "../definition/referer.ts";
import { spiderRuleFor } from "../definition/spider.ts";
import type { AccessMethod, RawRequest } from "../definition/types.ts";
import type { UserAgentMap, UserAgentParser } from "../definition/user-agent.ts";
import { parseXAnalytics, type XAnalytics } from "../definition/x-analytics.ts";
import { hourOf } from "../hours.ts";
import type { GeoLocation } from "./geocoder.ts";

/**
 * One refined request: what the rest of the system may know about a request. No IP, user agent,
 * accept-language, path, query or X-Analytics survives this point.
 */
export interface RefinedRecord {
  dt: string;
  /** UTC hour, `YYYYMMDDHH`. */
  hour: string;
  is_pageview: boolean;
  is_redirect_to_pageview: boolean;
  /** `null` unless the request is a pageview or a redirect to one (Wikimedia's NULL pageview_info). */
  project: string | null;
  language_variant: string | null;
  article: string | null;
  page_id: number | null;
  namespace_id: number | null;
  access_method: AccessMethod;
  agent_type: "user" | "spider";
  continent: string;
  country_code: string;
  country: string;
  referer_class: string;
  ua_browser_family: string;
  ua_os_family: string;
  ua_device_family: string;
}

/** A refined record with the ids of the rules that decided its verdict (for `--explain`). */
export interface Refined {
  record: RefinedRecord;
  rules: readonly string[];
  /** The parsed X-Analytics header, for the actor metrics computed beside refining. */
  xAnalytics: XAnalytics;
}

export interface RefineDependencies {
  userAgents: UserAgentParser;
  geocode: (ip: string) => GeoLocation;
  classifyReferer: (referer: string) => RefererData;
}

export interface RefineOptions {
  /**
   * Whether the source carries an X-Analytics header. Logs that do not (nginx/Apache combined)
   * fall back to the host-based access-method rule, since `ismobile` can never be set for them.
   */
  hasXAnalytics: boolean;
}

export type Refine = (request: RawRequest) => Refined;

/**
 * {@link Refine} for requests that are pageviews or redirects to one; null for any other request,
 * without looking up its user agent, location or referer. An hour's aggregates and actor metrics
 * take nothing else from such a request.
 */
export type RefinePageview = (request: RawRequest) => Refined | null;

/** Both ways of refining, sharing their caches. */
export interface Refiner {
  refine: Refine;
  refinePageview: RefinePageview;
}

/** What the definition says of one user agent: the same for every request that sends it. */
interface UserAgentFacts {
  map: UserAgentMap;
  spiderRule: string | undefined;
}

/** User agents follow a steep power law: a bounded cache spares most requests the regexes. */
const USER_AGENTS_CACHED = 20_000;

export function createRefiner(deps: RefineDependencies, options: RefineOptions): Refiner {
  const { userAgents, geocode, classifyReferer } = deps;
  const { hasXAnalytics } = options;

  const userAgentFacts = new LRUCache<string, UserAgentFacts>({ max: USER_AGENTS_CACHED });
  const factsOf = (userAgent: string): UserAgentFacts => {
    let facts = userAgentFacts.get(userAgent);
    if (facts === undefined) {
      const map = userAgents.parse(userAgent);
      facts = { map, spiderRule: spiderRuleFor(userAgent, map) };
      userAgentFacts.set(userAgent, facts);
    }
    return facts;
  };

  const complete = (request: RawRequest, xAnalytics: XAnalytics, verdict: PageviewVerdict): Refined => {
    const info = verdict.isPageview || verdict.isRedirectToPageview ? pageviewInfo(request) : undefined;
    const { map: userAgent, spiderRule } = factsOf(request.user_agent);
    const location = geocode(request.ip);
    const record: RefinedRecord = {
      dt: request.dt,
      hour: hourOf(request.dt),
      is_pageview: verdict.isPageview,
      is_redirect_to_pageview: verdict.isRedirectToPageview,
      project: info ? info.project : null,
      language_variant: info ? info.languageVariant : null,
      article: info ? info.pageTitle : null,
      page_id: pageIdFrom(xAnalytics),
      namespace_id: namespaceIdFrom(xAnalytics),
      access_method: hasXAnalytics
        ? accessMethod(request.user_agent, xAnalytics)
        : accessMethodFromHost(request.uri_host, request.user_agent),
      agent_type: spiderRule === undefined ? "user" : "spider",
      continent: location.continent,
      country_code: location.country_code,
      country: location.country,
      referer_class: classifyReferer(request.referer).referer_class,
      ua_browser_family: userAgent.browser_family,
      ua_os_family: userAgent.os_family,
      ua_device_family: userAgent.device_family,
    };
    return { record, rules: spiderRule ? [...verdict.rules, spiderRule] : verdict.rules, xAnalytics };
  };

  return {
    refine(request) {
      const xAnalytics = parseXAnalytics(request.x_analytics);
      return complete(request, xAnalytics, classifyPageview(request, xAnalytics));
    },
    refinePageview(request) {
      const xAnalytics = parseXAnalytics(request.x_analytics);
      const verdict = classifyPageview(request, xAnalytics);
      if (!verdict.isPageview && !verdict.isRedirectToPageview) return null;
      return complete(request, xAnalytics, verdict);
    },
  };
}

/**
 * Refiners for sources with and without X-Analytics, built once so their caches carry across
 * inputs and hours.
 */
export function createRefiners(deps: RefineDependencies): (hasXAnalytics: boolean) => Refiner {
  const withXAnalytics = createRefiner(deps, { hasXAnalytics: true });
  const withoutXAnalytics = createRefiner(deps, { hasXAnalytics: false });
  return (hasXAnalytics) => (hasXAnalytics ? withXAnalytics : withoutXAnalytics);
}
