/** Rows for the store's tests: hand-made ones and seeded random ones with ties, `-` and unknown countries. */
import type { AccessMethod, AgentType } from "../definition/types.ts";
import type { Random } from "../generate/random.ts";
import type { ActorHourlyMetrics } from "../pipeline/actor-metrics.ts";
import type { AutomatedActor, PageviewHourlyRow, ProcessedHour } from "./store.ts";

export function pageviewRow(overrides: Partial<PageviewHourlyRow> = {}): PageviewHourlyRow {
  return {
    project: "en.wikipedia",
    language_variant: "default",
    article: "Cat",
    page_id: 6678,
    namespace_id: 0,
    access_method: "desktop",
    agent_type: "user",
    referer_class: "internal",
    continent: "Europe",
    country_code: "FR",
    views: 1,
    ...overrides,
  };
}

export function actorMetricsRow(
  hour: string,
  overrides: Partial<ActorHourlyMetrics> = {},
): ActorHourlyMetrics {
  return {
    hour,
    actorSignature: "sig-1",
    isPageview: true,
    isRedirectToPageview: false,
    ipKey: "ip-1",
    pageviewCount: 3,
    firstTs: 1_768_435_200,
    lastTs: 1_768_435_260,
    pageviewRatePerMin: 3,
    nocookies: 0,
    userAgentLength: 80,
    distinctPagesVisited: 2,
    maxDiffIpGroupSize: 0,
    diffIpGroupCount: 0,
    ...overrides,
  };
}

export function processedHour(
  hour: string,
  pageviews: readonly PageviewHourlyRow[],
  extra: {
    actorMetrics?: ActorHourlyMetrics[];
    automatedActors?: AutomatedActor[];
    fingerprint?: string;
  } = {},
): ProcessedHour {
  return {
    hour,
    pageviews,
    actorMetrics: extra.actorMetrics ?? [],
    automatedActors: extra.automatedActors ?? [],
    report: {
      definitionVersion: "test-1",
      rawFingerprint: extra.fingerprint ?? `raw-${hour}`,
      rawLines: pageviews.length + 7,
      distinctLines: pageviews.length + 5,
      malformedLines: 2,
      processedAt: new Date("2026-02-03T04:05:06.789Z"),
    },
  };
}

const PROJECTS = ["en.wikipedia", "de.wikipedia", "commons.wikimedia"];
const ACCESS_METHODS: readonly AccessMethod[] = ["desktop", "mobile web", "mobile app"];
const AGENT_TYPES: readonly AgentType[] = ["user", "spider", "automated"];
const COUNTRIES = ["US", "FR", "DE", "JP", "BR", "--"];

/**
 * Random distinct rows of one hour: few articles and small counts, so that many sums tie, and `-` and
 * the unknown country `--` appear.
 */
export function randomPageviews(random: Random, count: number): PageviewHourlyRow[] {
  const rows = new Map<string, PageviewHourlyRow>();
  while (rows.size < count) {
    const project = random.pick(PROJECTS);
    const article = random.chance(0.05) ? "-" : `Article_${random.int(40)}`;
    const access_method = random.pick(ACCESS_METHODS);
    const agent_type = random.pick(AGENT_TYPES);
    const country_code = random.pick(COUNTRIES);
    const referer_class = random.pick(["internal", "none"]);
    const key = [project, article, access_method, agent_type, country_code, referer_class].join("\t");
    if (rows.has(key)) continue;
    rows.set(
      key,
      pageviewRow({
        project,
        article,
        access_method,
        agent_type,
        country_code,
        referer_class,
        views: 1 + random.int(30),
      }),
    );
  }
  return [...rows.values()];
}
