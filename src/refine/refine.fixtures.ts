import type { RefinedRecord } from "./refine.ts";

/** A refined desktop pageview of en.wikipedia by a user, for tests; `overrides` change any field. */
export function refinedPageview(overrides: Partial<RefinedRecord> = {}): RefinedRecord {
  return {
    dt: "2026-01-15T10:20:30Z",
    hour: "2026011510",
    is_pageview: true,
    is_redirect_to_pageview: false,
    project: "en.wikipedia",
    language_variant: "default",
    article: "Horseshoe_crab",
    page_id: 1234,
    namespace_id: 0,
    access_method: "desktop",
    agent_type: "user",
    continent: "Europe",
    country_code: "GB",
    country: "United Kingdom",
    referer_class: "external (search engine)",
    ua_browser_family: "Firefox",
    ua_os_family: "Linux",
    ua_device_family: "Other",
    ...overrides,
  };
}
