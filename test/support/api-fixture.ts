import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { createApiServer } from "../../src/api/server.ts";
import type { AccessMethod, RawRequest } from "../../src/definition/types.ts";
import { formatWebrequest, generateRequests } from "../../src/generate/traffic.ts";
import { loadRefineDependencies } from "../../src/refine/dependencies.ts";
import { createRefiner } from "../../src/refine/refine.ts";
import { storePath } from "../../src/store/data-dir.ts";
import { DuckDbStore } from "../../src/store/duckdb-store.ts";
import { runPageviews } from "./pageviews-cli.ts";

/**
 * A data directory filled by the real ingest path, from generated traffic over three days
 * (2026-01-30 to 2026-02-01) plus hand-made requests for titles that clients find hard, and the counts
 * every answer must add up to, computed independently by refining each request here.
 */

export const DAYS = ["20260130", "20260131", "20260201"] as const;

const BROWSER =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/** Titles as a browser puts them in the path, and how many views each gets, by day and access. */
export const HAND_MADE: readonly {
  path: string;
  article: string;
  views: { day: string; access: AccessMethod | "spider"; count: number }[];
}[] = [
  {
    path: "AC/DC_(band)",
    article: "AC/DC_(band)",
    views: [{ day: "20260130", access: "desktop", count: 3 }],
  },
  {
    path: "Are_You_the_One%3F",
    article: "Are_You_the_One?",
    views: [
      { day: "20260130", access: "desktop", count: 2 },
      { day: "20260131", access: "mobile web", count: 4 },
    ],
  },
  { path: "100%25_Pure", article: "100%_Pure", views: [{ day: "20260131", access: "desktop", count: 5 }] },
  {
    path: "Caf%C3%A9_Tacvba",
    article: "Café_Tacvba",
    views: [{ day: "20260201", access: "mobile web", count: 6 }],
  },
  {
    path: "dash_-_space_:_colon_%25_percent_/_slash",
    article: "dash_-_space_:_colon_%_percent_/_slash",
    views: [{ day: "20260130", access: "desktop", count: 1 }],
  },
  {
    path: "Rock_'n'_Roll%3B_DROP_TABLE_pageview_hourly%3B--",
    article: "Rock_'n'_Roll;_DROP_TABLE_pageview_hourly;--",
    views: [{ day: "20260131", access: "desktop", count: 2 }],
  },
  {
    // Users one day, only a crawler the next, nothing the day after: 0 for users, then omitted.
    path: "Quiet_Page",
    article: "Quiet_Page",
    views: [
      { day: "20260130", access: "desktop", count: 2 },
      { day: "20260131", access: "spider", count: 3 },
    ],
  },
];

function handMadeRequests(): RawRequest[] {
  const requests: RawRequest[] = [];
  let n = 0;
  for (const page of HAND_MADE) {
    for (const { day, access, count } of page.views) {
      for (let i = 0; i < count; i++) {
        n++;
        const dt = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T12:${String(n % 60).padStart(2, "0")}:00Z`;
        requests.push({
          dt,
          // One reader per request (distinct lines, and no actor near an automated threshold).
          ip: `81.2.${Math.floor(n / 200)}.${n % 200}`,
          uri_host: access === "mobile web" ? "en.m.wikipedia.org" : "en.wikipedia.org",
          uri_path: `/wiki/${page.path}`,
          uri_query: "",
          http_status: "200",
          content_type: "text/html; charset=UTF-8",
          user_agent: access === "spider" ? CRAWLER : BROWSER,
          referer: "https://www.google.com/",
          accept_language: "en",
          x_analytics: "ns=0;page_id=424242;https=1",
        });
      }
    }
  }
  return requests;
}

/** Views by project, article, day (`YYYYMMDD`), access method and agent as refine decides it. */
export class KnownViews {
  readonly #counts = new Map<string, number>();

  add(project: string, article: string, day: string, access: AccessMethod, agent: string): void {
    const key = [project, article, day, access, agent].join("\t");
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** The sum over rows matching every given field. */
  sum(filter: {
    project?: string;
    article?: string;
    day?: string;
    access?: AccessMethod;
    agent?: string;
  }): number {
    let total = 0;
    for (const [key, count] of this.#counts) {
      const [project, article, day, access, agent] = key.split("\t");
      if (filter.project !== undefined && filter.project !== project) continue;
      if (filter.article !== undefined && filter.article !== article) continue;
      if (filter.day !== undefined && filter.day !== day) continue;
      if (filter.access !== undefined && filter.access !== access) continue;
      if (filter.agent !== undefined && filter.agent !== agent) continue;
      total += count;
    }
    return total;
  }

  /** Articles of a project with views, most viewed first. */
  articles(project: string): string[] {
    const sums = new Map<string, number>();
    for (const [key, count] of this.#counts) {
      const [p, article = ""] = key.split("\t");
      if (p === project) sums.set(article, (sums.get(article) ?? 0) + count);
    }
    return [...sums].sort((a, b) => b[1] - a[1]).map(([article]) => article);
  }
}

export interface ApiFixture {
  app: FastifyInstance;
  /** The embedded store, which also takes dumps. */
  store: DuckDbStore;
  known: KnownViews;
  close(): Promise<void>;
}

export async function apiFixture(): Promise<ApiFixture> {
  const workDir = mkdtempSync(join(tmpdir(), "pageviews-api-"));
  const requests = [
    ...generateRequests({ seed: 11, start: new Date("2026-01-30T00:00:00Z"), hours: 72, lines: 30_000 }),
    ...handMadeRequests(),
  ];
  const input = join(workDir, "requests.json.gz");
  writeFileSync(input, gzipSync(requests.map((r) => `${formatWebrequest(r)}\n`).join("")));
  const dataDir = join(workDir, "data");
  const ingest = runPageviews(["ingest", "--data-dir", dataDir, input]);
  if (ingest.status !== 0) throw new Error(`ingest failed:\n${ingest.stderr}`);

  const known = new KnownViews();
  const { refine } = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });
  for (const request of requests) {
    const { record } = refine(request);
    if (!record.is_pageview || !record.project) continue;
    known.add(
      record.project,
      record.article ?? "-",
      record.hour.slice(0, 8),
      record.access_method,
      record.agent_type,
    );
  }

  const store = await DuckDbStore.open(storePath(dataDir), { readOnly: true });
  const app = await createApiServer({ store, version: "test", rateLimit: 0 });
  return {
    app,
    store,
    known,
    async close() {
      await app.close();
      await store.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
