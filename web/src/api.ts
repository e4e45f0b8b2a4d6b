import { apiTimestamp, type DayRange } from "./dates.ts";

/**
 * The Pageview API as the dashboard reads it: Wikimedia's public routes (so any compatible API works)
 * plus this server's availability and ranged tops, which the dashboard does without when absent.
 */

export const DEFAULT_API_BASE = "/api/rest_v1/metrics";

export const ACCESS_METHODS = ["all-access", "desktop", "mobile-web", "mobile-app"] as const;
export type Access = (typeof ACCESS_METHODS)[number];
export const AGENTS = ["all-agents", "user", "spider", "automated"] as const;
export type Agent = (typeof AGENTS)[number];
export type Granularity = "daily" | "monthly";

export interface TimeItem {
  timestamp: string;
  views: number;
}

export interface TopArticle {
  article: string;
  views: number;
  rank: number;
}

export interface CountryEntry {
  country: string;
  views: string;
  rank: number;
  views_ceil: number;
}

export interface ProjectAvailability {
  project: string;
  first_hour: string;
  last_hour: string;
  last_complete_hour: string;
}

export type TopPeriod =
  | { kind: "day"; day: string }
  | { kind: "month"; month: string }
  | { kind: "range"; range: DayRange };

/** The API's 404 "no data": a valid request for dates it has nothing for. Not an error to the reader. */
export class NoDataError extends Error {
  constructor(readonly url: string) {
    super("No data for these dates.");
  }
}

/** Anything else that went wrong: a refused request, a failing server, or no answer at all. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or null when the API could not be reached. */
    readonly status: number | null,
    readonly url: string,
  ) {
    super(message);
  }
}

interface Problem {
  title?: string;
  detail?: unknown;
}

export class ApiClient {
  /** `base` is the metrics root, e.g. `https://wikimedia.org/api/rest_v1/metrics`. */
  constructor(readonly base: string) {}

  async perArticle(
    query: { project: string; access: Access; agent: Agent; article: string; granularity: Granularity },
    range: DayRange,
    signal?: AbortSignal,
  ): Promise<TimeItem[]> {
    const { project, access, agent, article, granularity } = query;
    const path = [
      "pageviews/per-article",
      segment(project),
      access,
      agent,
      segment(titleKey(article)),
      granularity,
      apiTimestamp(range.start),
      apiTimestamp(range.end),
    ];
    return (await this.#items<TimeItem>(path.join("/"), signal)).map(timeItem);
  }

  async aggregate(
    query: { project: string; access: Access; agent: Agent; granularity: Granularity },
    range: DayRange,
    signal?: AbortSignal,
  ): Promise<TimeItem[]> {
    const { project, access, agent, granularity } = query;
    const path = [
      "pageviews/aggregate",
      segment(project),
      access,
      agent,
      granularity,
      apiTimestamp(range.start),
      apiTimestamp(range.end),
    ];
    return (await this.#items<TimeItem>(path.join("/"), signal)).map(timeItem);
  }

  async top(
    query: { project: string; access: Access; period: TopPeriod },
    signal?: AbortSignal,
  ): Promise<TopArticle[]> {
    const { project, access, period } = query;
    const when =
      period.kind === "day"
        ? period.day.replaceAll("-", "/")
        : period.kind === "month"
          ? `${period.month.replace("-", "/")}/all-days`
          : `${period.range.start.replaceAll("-", "")}/${period.range.end.replaceAll("-", "")}`;
    const items = await this.#items<{ articles: TopArticle[] }>(
      `pageviews/top/${segment(project)}/${access}/${when}`,
      signal,
    );
    return items[0]?.articles ?? [];
  }

  async topByCountry(
    query: { project: string; access: Access; month: string },
    signal?: AbortSignal,
  ): Promise<CountryEntry[]> {
    const { project, access, month } = query;
    const items = await this.#items<{ countries: CountryEntry[] }>(
      `pageviews/top-by-country/${segment(project)}/${access}/${month.replace("-", "/")}`,
      signal,
    );
    return items[0]?.countries ?? [];
  }

  /** This server's extension; other APIs answer 404, and the dashboard then guesses (see context.ts). */
  availability(signal?: AbortSignal): Promise<ProjectAvailability[]> {
    return this.#items<ProjectAvailability>("pageviews/availability", signal);
  }

  async #items<T>(path: string, signal?: AbortSignal): Promise<T[]> {
    const url = `${this.base.replace(/\/+$/, "")}/${path}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: "application/json" }, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(`Could not reach the API at ${this.base}.`, null, url);
    }
    if (response.ok) {
      const body = (await response.json()) as { items?: T[] };
      return body.items ?? [];
    }
    const problem = await response.json().then(
      (body) => body as Problem,
      () => ({}) as Problem,
    );
    const detail = typeof problem.detail === "string" ? problem.detail : "";
    if (response.status === 404 && !/invalid route/i.test(detail)) throw new NoDataError(url);
    throw new ApiError(failureMessage(response.status, detail || problem.title || ""), response.status, url);
  }
}

/** MediaWiki's title key: spaces become underscores; nothing else changes (no capitalisation). */
export function titleKey(title: string): string {
  return title.trim().replaceAll(" ", "_");
}

/** Encodes `/`, `?`, `#` and `%` too, as the API asks of titles. */
function segment(value: string): string {
  return encodeURIComponent(value);
}

function timeItem(item: TimeItem): TimeItem {
  return { timestamp: item.timestamp, views: item.views };
}

function failureMessage(status: number, detail: string): string {
  if (status === 400) return `The API refused the request: ${detail}`;
  if (status === 404) return `The API does not offer this: ${detail}`;
  if (status === 429)
    return "The API is receiving too many requests from this browser; try again in a moment.";
  return `The API failed (${status})${detail ? `: ${detail}` : "."}`;
}
