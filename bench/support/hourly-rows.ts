/**
 * pageview_hourly rows for the store and API benchmarks, drawn as the traffic generator draws
 * pageviews (its wikis, Zipf-popular titles, access and agent mixes, 100 countries), without going
 * through refine and ingest, which bench/ingest.bench.ts measures.
 */
import { continentOf } from "../../src/definition/countries.ts";
import type { AccessMethod, AgentType } from "../../src/definition/types.ts";
import { projects } from "../../src/generate/projects.ts";
import { Random, Weighted, ZipfSampler } from "../../src/generate/random.ts";
import type { PageviewHourlyRow, ProcessedHour } from "../../src/store/store.ts";

// biome-ignore format: a table
const COUNTRIES = [
  "US", "GB", "DE", "FR", "JP", "IN", "CA", "AU", "IT", "ES", "NL", "BR", "MX", "RU", "PL", "SE", "CH", "AT", "BE", "KR",
  "CN", "TW", "HK", "SG", "ID", "PH", "VN", "TH", "MY", "TR", "IR", "EG", "ZA", "NG", "KE", "MA", "DZ", "TN", "AR", "CL",
  "CO", "PE", "VE", "UA", "CZ", "SK", "HU", "RO", "BG", "GR", "PT", "IE", "DK", "NO", "FI", "IS", "EE", "LV", "LT", "BY",
  "RS", "HR", "SI", "BA", "MK", "AL", "IL", "SA", "AE", "QA", "KW", "PK", "BD", "LK", "NP", "MM", "KH", "LA", "MN", "KZ",
  "UZ", "GE", "AM", "AZ", "NZ", "FJ", "CU", "DO", "PR", "JM", "GT", "HN", "SV", "NI", "CR", "PA", "EC", "BO", "PY", "--",
];
export const projectShare = new Weighted(
  projects.map((p, i) => [p, [50, 12, 10, 8, 5, 8, 7][i] ?? 1] as const),
);
export const accessShare = new Weighted<AccessMethod>([
  ["desktop", 45],
  ["mobile web", 50],
  ["mobile app", 5],
]);
const agentShare = new Weighted<AgentType>([
  ["user", 85],
  ["spider", 10],
  ["automated", 5],
]);
const refererShare = new Weighted([
  ["internal", 40],
  ["external (search engine)", 35],
  ["none", 20],
  ["external", 5],
]);
const countryRank = new ZipfSampler(COUNTRIES.length, 1.1);

/** Distinct pageview_hourly rows of one hour, from pageviews drawn one by one. */
export function realisticHour(seed: number, distinctRows: number): PageviewHourlyRow[] {
  const random = new Random(seed);
  const rows = new Map<string, PageviewHourlyRow>();
  while (rows.size < distinctRows) {
    const project = projectShare.draw(random);
    const rank = project.popularity.sample(random);
    const article = project.titles.title(rank);
    const access_method = accessShare.draw(random);
    const agent_type = agentShare.draw(random);
    const referer_class = refererShare.draw(random);
    const country_code = COUNTRIES[countryRank.sample(random) - 1] ?? "--";
    const key = `${project.name}\t${article}\t${access_method}\t${agent_type}\t${referer_class}\t${country_code}`;
    const row = rows.get(key);
    if (row !== undefined) row.views++;
    else {
      rows.set(key, {
        project: project.name,
        language_variant: "default",
        article,
        page_id: project.titles.pageId(rank),
        namespace_id: project.titles.namespace(rank),
        access_method,
        agent_type,
        referer_class,
        continent: continentOf(country_code) ?? "Unknown",
        country_code,
        views: 1,
      });
    }
  }
  return [...rows.values()];
}

export function processed(hour: string, pageviews: PageviewHourlyRow[]): ProcessedHour {
  const report = {
    definitionVersion: "bench",
    rawFingerprint: hour,
    rawLines: 0,
    distinctLines: 0,
    malformedLines: 0,
  };
  return {
    hour,
    pageviews,
    actorMetrics: [],
    automatedActors: [],
    report: { ...report, processedAt: new Date() },
  };
}
