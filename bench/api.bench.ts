/**
 * Pageview API throughput and latency (autocannon, loopback), beside a trivial fastify route measured in
 * the same run:
 *  - per-article daily over one year, for articles drawn by popularity (also as a client that accepts
 *    gzip, as browsers and HTTP libraries do);
 *  - aggregate hourly over 30 days, for a random project;
 *  - top of a random day of a random project.
 * Every server is warmed up (JIT, connections, caches) for --warm-up seconds before it is measured, with
 * paths from another draw of the same popularity: what a server that has run for a while answers. The
 * per-article route with the cache is measured from cold too (a server's first seconds).
 * The store holds 30 days (November 2026) of hourly rows for more than 1 M distinct articles: each hour
 * has --rows realistic rows (see support/hourly-rows.ts) plus a slice of a sweep over the long tail of
 * en.wikipedia, so that every one of --articles titles has a row. It is built once into
 * bench/.out/api-data/ (a few minutes) and reused while the parameters are unchanged.
 *
 *   npm run bench:api [-- --duration 10 --warm-up 5 --connections 10 --rows 30000 --articles 1000000]
 *
 * Target (issue 4): per-article at least 30 % of the trivial route's requests/s, and p99 under 25 ms.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { enWikipedia, projects } from "../src/generate/projects.ts";
import { Random } from "../src/generate/random.ts";
import { storePath } from "../src/store/data-dir.ts";
import { DuckDbStore } from "../src/store/duckdb-store.ts";
import type { PageviewHourlyRow } from "../src/store/store.ts";
import { processed, realisticHour } from "./support/hourly-rows.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    "warm-up": { type: "string", default: "5" },
    connections: { type: "string", default: "10" },
    rows: { type: "string", default: "30000" },
    articles: { type: "string", default: "1000000" },
  },
});
const duration = Number(values.duration);
const warmUpSeconds = Number(values["warm-up"]);
const connections = Number(values.connections);
const rowsPerHour = Number(values.rows);
const sweptArticles = Number(values.articles);

const DAYS = 30;
const FIRST_DAY = Date.UTC(2026, 10, 1);
const dataDir = fileURLToPath(new URL("./.out/api-data/", import.meta.url));
const marker = `${dataDir}parameters.json`;
const bin = fileURLToPath(new URL("../bin/pageviews", import.meta.url));

const hourOf = (index: number) =>
  new Date(FIRST_DAY + index * 3_600_000).toISOString().slice(0, 13).replace(/\D/g, "");

/** One view per hour for the next slice of en.wikipedia's titles, past the popular ones. */
function sweepSlice(hourIndex: number, hours: number): PageviewHourlyRow[] {
  const perHour = Math.ceil(sweptArticles / hours);
  const rows: PageviewHourlyRow[] = [];
  for (let i = hourIndex * perHour; i < Math.min(sweptArticles, (hourIndex + 1) * perHour); i++) {
    const rank = 1 + (i % enWikipedia.titles.size);
    rows.push({
      project: "en.wikipedia",
      language_variant: "default",
      article: enWikipedia.titles.title(rank),
      page_id: enWikipedia.titles.pageId(rank),
      namespace_id: 0,
      access_method: "mobile web",
      agent_type: "user",
      referer_class: "none",
      continent: "Europe",
      country_code: "DE",
      views: 1,
    });
  }
  return rows;
}

async function buildStore(): Promise<void> {
  const parameters = JSON.stringify({ rowsPerHour, sweptArticles, DAYS, version: 1 });
  if (existsSync(marker) && readFileSync(marker, "utf8") === parameters) return;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  const store = await DuckDbStore.open(storePath(dataDir));
  const hours = DAYS * 24;
  const days: string[] = [];
  for (let h = 0; h < hours; h++) {
    const hour = hourOf(h);
    await store.replaceHour(processed(hour, [...realisticHour(h + 1, rowsPerHour), ...sweepSlice(h, hours)]));
    if (h % 24 === 23) {
      days.push(hour.slice(0, 8));
      process.stderr.write(`\rbuilding the store: day ${days.length}/${DAYS}`);
    }
  }
  await store.refreshServing(days);
  await store.compact();
  await store.close();
  writeFileSync(marker, parameters);
  process.stderr.write(`\rbuilt the store in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

/** Starts a server process and resolves with its base URL once it listens. */
function startServer(command: string, args: string[], addressLine: RegExp): Promise<[ChildProcess, string]> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        const match = addressLine.exec(line);
        if (match?.[1] !== undefined) resolve([child, match[1]]);
      });
    }
    child.once("exit", (code) => reject(new Error(`${command} exited with ${code}`)));
  });
}

interface Figures {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** 404s of articles without views count: answering them is the route's work too. */
  notFound: number;
  errors: number;
}

async function load(
  name: string,
  base: string,
  nextPath: () => string,
  seconds: number = duration,
  headers: Record<string, string> = {},
): Promise<Figures> {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    headers,
    requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextPath() }) }],
  });
  const notFound = result.statusCodeStats?.["404"]?.count ?? 0;
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    notFound,
    errors: result.non2xx - notFound + result.errors + result.timeouts,
  };
}

await buildStore();
const serveApi = (cacheMiB: number) =>
  startServer(
    bin,
    ["serve", "--data-dir", dataDir, "--port", "0", "--rate-limit", "0", "--log-level", "silent"].concat(
      "--response-cache",
      String(cacheMiB),
    ),
    /Pageview API: (http:\/\/[^/]+)\//,
  );
const [trivial, trivialBase] = await startServer(
  process.execPath,
  ["--import", "tsx", fileURLToPath(new URL("./support/trivial-server.ts", import.meta.url))],
  /^(http:\/\/\S+)$/,
);

const random = new Random(42);
const metrics = "/api/rest_v1/metrics/pageviews";
/**
 * Paths drawn before the runs: making up a title costs the load generator more than the request it
 * sends, and it shares the two cores with the server (the baseline's path is a constant). Warm-ups
 * draw theirs from another seed: the measured requests then repeat popular titles, not a replayed list.
 */
const articlePaths = (seed: number, count: number) => {
  const draw = new Random(seed);
  return Array.from({ length: count }, () => {
    const article = encodeURIComponent(enWikipedia.titles.title(enWikipedia.popularity.sample(draw)));
    return `${metrics}/per-article/en.wikipedia/all-access/user/${article}/daily/20251201/20261130`;
  });
};
const cycle = (paths: readonly string[]) => {
  let next = 0;
  return () => paths[next++ % paths.length] ?? "";
};
const measuredPaths = articlePaths(42, 200_000);
const warmUpPaths = articlePaths(7, 100_000);
const randomProject = () => projects[random.int(projects.length)]?.name ?? "en.wikipedia";
const day = () => new Date(FIRST_DAY + random.int(DAYS) * 86_400_000).toISOString().slice(0, 10).split("-");
const aggregatePath = () =>
  `${metrics}/aggregate/${randomProject()}/all-access/all-agents/hourly/2026110100/2026113023`;
const topPath = () => {
  const [year, month, dd] = day();
  return `${metrics}/top/${randomProject()}/all-access/${year}/${month}/${dd}`;
};

const figures: Figures[] = [];
/** A warm-up pass (not reported), then the measured one. */
async function measure(
  name: string,
  base: string,
  nextPath: () => string,
  warmUpPath = nextPath,
  headers: Record<string, string> = {},
) {
  await load("warm-up", base, warmUpPath, warmUpSeconds, headers);
  figures.push(await load(name, base, nextPath, duration, headers));
}
try {
  await measure("trivial fastify route (baseline)", trivialBase, () => "/fixed");
  trivial.kill();
  // Every answer read from the store: what a request costs when it is not a repeat.
  const [uncached, uncachedBase] = await serveApi(0);
  try {
    await measure(
      "per-article daily, 1 year, no cache",
      uncachedBase,
      cycle(measuredPaths),
      cycle(warmUpPaths),
    );
  } finally {
    uncached.kill();
  }
  // A server's first seconds: the JIT and the cache both cold.
  const [cold, coldBase] = await serveApi(64);
  try {
    figures.push(await load("per-article daily, 1 year, cold", coldBase, cycle(measuredPaths)));
  } finally {
    cold.kill();
  }
  const [api, apiBase] = await serveApi(64);
  try {
    await measure("per-article daily, 1 year", apiBase, cycle(measuredPaths), cycle(warmUpPaths));
    // What browsers and HTTP libraries send: answers compressed (kept compressed by the cache).
    await measure(
      "per-article daily, 1 year, gzip client",
      apiBase,
      cycle(measuredPaths),
      cycle(warmUpPaths),
      { "accept-encoding": "gzip, deflate" },
    );
    await measure("aggregate hourly, 30 days", apiBase, aggregatePath);
    await measure("top of a day", apiBase, topPath);
  } finally {
    api.kill();
  }
} finally {
  trivial.kill();
}
const baseline = figures[0]?.requestsPerSecond ?? 1;
console.log(
  `API on ${DAYS} days, ${rowsPerHour.toLocaleString()} rows/hour + ${sweptArticles.toLocaleString()} swept articles; ` +
    `${connections} connections, ${duration} s each after ${warmUpSeconds} s of warm-up (the "cold" row: none); ` +
    "titles drawn by popularity (Zipf)",
);
for (const f of figures) {
  const ratio = ((100 * f.requestsPerSecond) / baseline).toFixed(1);
  console.log(
    `${f.name.padEnd(38)} ${f.requestsPerSecond.toFixed(0).padStart(7)} req/s (${ratio.padStart(5)} % of baseline)  ` +
      `p50 ${f.p50} ms  p99 ${f.p99} ms  404: ${f.notFound}${f.errors > 0 ? `  ERRORS: ${f.errors}` : ""}`,
  );
}
console.log("target: per-article ≥ 30 % of baseline, p99 < 25 ms");
