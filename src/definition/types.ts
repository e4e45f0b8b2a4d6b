/**
 * A web request as the pageview definition sees it: the Wikimedia webrequest fields that the
 * definition reads. Sources produce these; nothing past `refine/` keeps them, because several
 * fields (ip, user_agent, accept_language, uri_path, uri_query, x_analytics, referer) identify people.
 */
export interface RawRequest {
  /** ISO 8601 timestamp, UTC (`yyyy-MM-ddTHH:mm:ssZ`). */
  dt: string;
  ip: string;
  /** Lower-cased and trimmed by the definition, not by the source. */
  uri_host: string;
  uri_path: string;
  /** Carries its leading `?`; an absent query is `""` or `-`. */
  uri_query: string;
  /** A string, as in webrequest: `"200"`. */
  http_status: string;
  content_type: string;
  user_agent: string;
  referer: string;
  accept_language: string;
  /** The raw X-Analytics header (`k=v;k=v`), `-` or `""` when absent. */
  x_analytics: string;
}

export type AccessMethod = "desktop" | "mobile web" | "mobile app";
export type AgentType = "user" | "spider" | "automated";
