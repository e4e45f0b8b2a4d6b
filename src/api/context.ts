import type { Store } from "../store/store.ts";
import type { Freshness } from "./freshness.ts";

/** What the routes read from, and the server's settings that change answers. */
export interface ApiContext {
  store: Store;
  freshness: Freshness;
  /** Privacy: top-per-country lists only articles with more `user` views than this in a country that day. */
  topPerCountryThreshold: number;
}

/** Every route of the Pageview API lives under this prefix. */
export const METRICS = "/api/rest_v1/metrics";
