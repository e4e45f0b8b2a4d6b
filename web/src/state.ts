import { DEFAULT_API_BASE } from "./api.ts";

/**
 * Everything a view shows is in the URL's fragment, `#/<view>?key=value&...`, so that any state is a
 * permalink. The API's base URL rides along as `api` when it is not the default.
 */

export const VIEW_IDS = ["pageviews", "topviews", "siteviews", "countries"] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export interface Route {
  view: ViewId;
  params: URLSearchParams;
}

/** Separates the entries of a list parameter (articles, projects): MediaWiki titles cannot contain it. */
export const LIST_SEPARATOR = "|";

export function parseRoute(hash: string): Route {
  const match = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  const view = VIEW_IDS.find((id) => id === match?.[1]) ?? "pageviews";
  return { view, params: new URLSearchParams(match?.[2] ?? "") };
}

/** `#/view?…`, keeping `|`, `/` and `:` readable: they are allowed in a fragment. */
export function formatRoute({ view, params }: Route): string {
  const query = [...params]
    .map(([key, value]) => `${encodeURIComponent(key)}=${readable(encodeURIComponent(value))}`)
    .join("&");
  return `#/${view}${query ? `?${query}` : ""}`;
}

function readable(encoded: string): string {
  return encoded.replaceAll("%7C", "|").replaceAll("%2F", "/").replaceAll("%3A", ":");
}

export function apiBaseOf(params: URLSearchParams): string {
  return params.get("api")?.trim() || DEFAULT_API_BASE;
}

export function listParam(params: URLSearchParams, key: string): string[] {
  return (params.get(key) ?? "")
    .split(LIST_SEPARATOR)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/** `value` when it is one of `allowed`, else `fallback`: a hand-edited URL cannot break a view. */
export function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.find((option) => option === value) ?? fallback;
}
