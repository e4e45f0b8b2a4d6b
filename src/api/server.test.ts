import { Writable } from "node:stream";
import zlib, { gunzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { pageviewRow, processedHour } from "../store/store.fixtures.ts";
import type { Store } from "../store/store.ts";
import type { Answer } from "./answer-hooks.ts";
import { CLOSED_PERIOD_CACHE, Freshness, OPEN_PERIOD_CACHE } from "./freshness.ts";
import { createApiServer } from "./server.ts";

const BASE = "/api/rest_v1/metrics/pageviews";
const CAT_DAILY = `${BASE}/per-article/en.wikipedia/all-access/all-agents/Cat/daily/20260201/20260202`;

let store: DuckDbStore;
let app: FastifyInstance;

beforeAll(async () => {
  store = await DuckDbStore.open(":memory:");
  await store.replaceHour(
    processedHour("2026020110", [pageviewRow({ views: 5 }), pageviewRow({ article: "Dog", views: 2 })]),
  );
  await store.replaceHour(
    processedHour("2026020210", [pageviewRow({ views: 7, access_method: "mobile web" })]),
  );
  await store.refreshServing(["20260201", "20260202"]);
  app = await createApiServer({ store, version: "test", rateLimit: 0 });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

function get(url: string, headers: Record<string, string> = {}) {
  return app.inject({ method: "GET", url, headers });
}

describe("headers", () => {
  it("send AQS's CORS and security headers, on answers and on errors", async () => {
    for (const url of [CAT_DAILY, `${BASE}/nowhere`]) {
      const { headers } = await get(url);
      expect(headers).toMatchObject({
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET,HEAD",
        "access-control-expose-headers": "etag",
        "x-content-type-options": "nosniff",
        "x-frame-options": "SAMEORIGIN",
        "referrer-policy": "origin-when-cross-origin",
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "x-xss-protection": "1; mode=block",
      });
      expect(headers["access-control-allow-headers"]).toContain("api-user-agent");
    }
  });

  it("cache closed periods for four hours, hours not processed yet briefly, and errors not at all", async () => {
    const closed = await get(
      `${BASE}/per-article/en.wikipedia/all-access/all-agents/Cat/daily/20260201/20260201`,
    );
    expect(closed.headers["cache-control"]).toBe(CLOSED_PERIOD_CACHE);
    // The last processed hour is 2026020210: the 2nd is not over.
    const open = await get(CAT_DAILY);
    expect(open.headers["cache-control"]).toBe(OPEN_PERIOD_CACHE);
    const error = await get(`${BASE}/per-article/en.wikipedia/all-access/all-agents/Cat/daily/x/y`);
    expect(error.headers["cache-control"]).toBe("private, max-age=0, s-maxage=0, must-revalidate");
  });

  it("tag answers with the SHA-1 of the body, and answer 304 to If-None-Match", async () => {
    const first = await get(CAT_DAILY);
    const { createHash } = await import("node:crypto");
    expect(first.headers.etag).toBe(`"${createHash("sha1").update(first.body).digest("hex")}"`);
    const again = await get(CAT_DAILY, { "if-none-match": String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    // Weak forms and lists match too; another tag does not.
    for (const tags of [`W/${first.headers.etag}`, `"0", ${first.headers.etag}`, "*"])
      expect((await get(CAT_DAILY, { "if-none-match": tags })).statusCode).toBe(304);
    expect((await get(CAT_DAILY, { "if-none-match": '"0"' })).statusCode).toBe(200);
  });

  it("answer errors whole whatever If-None-Match says", async () => {
    const missing = `${BASE}/per-article/en.wikipedia/all-access/all-agents/Nothing/daily/20260201/20260202`;
    const first = await get(missing);
    expect(first.statusCode).toBe(404);
    const again = await get(missing, { "if-none-match": String(first.headers.etag) });
    expect([again.statusCode, again.body]).toEqual([404, first.body]);
  });

  it("answer HEAD without a body, OPTIONS with 200 and an empty body, and echo x-request-id", async () => {
    const head = await app.inject({ method: "HEAD", url: CAT_DAILY });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers.etag).toBe((await get(CAT_DAILY)).headers.etag);
    const options = await app.inject({ method: "OPTIONS", url: CAT_DAILY });
    expect([options.statusCode, options.body]).toEqual([200, ""]);
    expect(options.headers["access-control-allow-origin"]).toBe("*");
    const traced = await get(CAT_DAILY, { "x-request-id": "trace-42" });
    expect(traced.headers["x-request-id"]).toBe("trace-42");
  });

  it("compress large answers with gzip or brotli when the client accepts them", async () => {
    const url = `${BASE}/aggregate/all-projects/all-access/all-agents/hourly/2026020100/2026020223`;
    const plain = await get(url);
    const gzip = await get(url, { "accept-encoding": "gzip" });
    // Small answers go uncompressed; this one is under the 1 KiB threshold only if it had no rows.
    if (Number(plain.headers["content-length"] ?? plain.rawPayload.length) >= 1024) {
      expect(gzip.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    }
    const spec = await get(`${BASE}/api-spec.json`, { "accept-encoding": "br" });
    expect(spec.headers["content-encoding"]).toBe("br");
  });
});

describe("errors", () => {
  it("answer unknown routes with 404 problem JSON, never HTML", async () => {
    for (const url of [
      `${BASE}/nowhere`,
      "/nowhere",
      `${BASE}/top/en.wikipedia/all-access/2026/02/01/extra`,
    ]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers["content-type"]).toBe("application/problem+json");
      expect(response.json()).toMatchObject({
        title: "Not found.",
        detail: "Invalid route",
        method: "get",
        status: 404,
      });
    }
  });

  it("name the parameter, its value and the allowed values for a bad enum; `bot` gets a hint", async () => {
    const bad = await get(`${BASE}/per-article/en.wikipedia/all-access/bot/Cat/daily/20260201/20260202`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      type: "https://mediawiki.org/wiki/HyperSwitch/errors/invalid_request",
      title: "Invalid parameters",
      method: "get",
      detail:
        "The parameter `agent` must be one of all-agents, user, spider, automated; `bot` is not " +
        "(`bot` was renamed `automated` in 2020).",
      uri: `${BASE}/per-article/en.wikipedia/all-access/bot/Cat/daily/20260201/20260202`,
      status: 400,
    });
    const site = await get(
      "/api/rest_v1/metrics/unique-devices/en.wikipedia/everywhere/daily/20260201/20260202",
    );
    expect(site.json().detail).toContain("`access-site` must be one of all-sites, desktop-site, mobile-site");
    // Unknown query parameters are ignored: browsers' cache busters (`?_=1700000000`) must not fail.
    expect((await get(`${BASE}/top/en.wikipedia/all-access/2026/02/01?_=1700000000`)).statusCode).toBe(200);
  });

  it("answer hostile titles with a clean 400 or 404: quotes, semicolons, NUL, 10 KB, traversal, bad escapes", async () => {
    const titles = [
      "Robert'); DROP TABLE per_article_daily;--",
      encodeURIComponent('" OR 1=1 --'),
      "%00",
      "a%00b",
      "x".repeat(10_240),
      encodeURIComponent("é".repeat(600)),
      "..%2F..%2F..%2Fetc%2Fpasswd",
      "%2e%2e%2f%2e%2e%2fpageviews.duckdb",
      "%E0%A4%A",
      "%",
    ];
    for (const title of titles) {
      const response = await get(
        `${BASE}/per-article/en.wikipedia/all-access/all-agents/${title}/daily/20260201/20260202`,
      );
      expect([400, 404], title.slice(0, 40)).toContain(response.statusCode);
      expect(response.headers["content-type"]).toBe("application/problem+json");
      expect(response.headers["access-control-allow-origin"]).toBe("*");
      expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    }
    // The store is intact.
    expect((await get(CAT_DAILY)).statusCode).toBe(200);
  });

  it("answer a failing store with 500 problem JSON, without a stack trace", async () => {
    const failing = await createApiServer({
      store: {
        ...store,
        availability: () => store.availability(),
        perArticle: () => Promise.reject(new Error("disk on fire")),
      } as never,
      version: "test",
      rateLimit: 0,
    });
    try {
      const response = await failing.inject({ method: "GET", url: CAT_DAILY });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({ title: "Internal server error", status: 500 });
      expect(response.body).not.toContain("disk on fire");
    } finally {
      await failing.close();
    }
  });
});

describe("rate limit and logs", () => {
  it("answers 429 problem JSON with retry-after beyond the configured rate", async () => {
    const limited = await createApiServer({ store, version: "test", rateLimit: 3 });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof limited.inject>> | undefined;
      for (let i = 0; i < 5; i++) {
        // Distinct URLs: a repeated one would be answered from the response cache, which is not limited.
        last = await limited.inject({ method: "GET", url: `${CAT_DAILY}?n=${i}` });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(last?.headers["retry-after"]).toBeDefined();
      expect(last?.headers["content-type"]).toBe("application/problem+json");
      expect(last?.json()).toMatchObject({ title: "Too many requests.", status: 429 });
    } finally {
      await limited.close();
    }
  });

  it("logs requests without the client address unless configured to", async () => {
    for (const logClientIp of [false, true]) {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const logged = await createApiServer({
        store,
        version: "test",
        rateLimit: 0,
        logger: { level: "info", stream },
        logClientIp,
      });
      try {
        await logged.inject({ method: "GET", url: CAT_DAILY, remoteAddress: "203.0.113.9" });
      } finally {
        await logged.close();
      }
      const log = lines.join("");
      expect(log).toContain("/Cat/daily/");
      expect(log.includes("203.0.113.9")).toBe(logClientIp);
    }
  });
});

describe("answer observer", () => {
  it("is told of every answer: route template, method, final status and time taken", async () => {
    const answers: Answer[] = [];
    const observed = await createApiServer({
      store,
      version: "test",
      rateLimit: 0,
      onAnswer: (answer) => answers.push(answer),
    });
    try {
      const first = await observed.inject({ method: "GET", url: CAT_DAILY });
      // A repeat is answered from the cache, a revalidation with 304.
      await observed.inject({ method: "GET", url: CAT_DAILY });
      await observed.inject({
        method: "GET",
        url: CAT_DAILY,
        headers: { "if-none-match": String(first.headers.etag) },
      });
      await observed.inject({ method: "GET", url: CAT_DAILY.replace("/Cat/", "/Nothing/") });
      await observed.inject({ method: "GET", url: `${BASE}/no-such-route` });
      await observed.inject({
        method: "GET",
        url: `${BASE}/per-article/en.wikipedia/all-access/user/%E0%A4%A/daily/20260201/20260202`,
      });
    } finally {
      await observed.close();
    }
    const perArticle = `${BASE}/per-article/:project/:access/:agent/:article/:granularity/:start/:end`;
    expect(answers.map(({ route, method, status }) => [route, method, status])).toEqual([
      [perArticle, "GET", 200],
      [perArticle, "GET", 200],
      [perArticle, "GET", 304],
      [perArticle, "GET", 404],
      ["unknown", "GET", 404],
      ["unknown", "GET", 400],
    ]);
    for (const { seconds } of answers) expect(seconds).toBeGreaterThanOrEqual(0);
    expect(answers[0]?.seconds).toBeGreaterThan(0);
    expect(answers[0]?.seconds).toBeLessThan(10);
  });
});

describe("legacy pagecounts", () => {
  it("serves imported pagecounts with Wikimedia's field names, and sums both sites for all-sites", async () => {
    const file = { name: "pagecounts-20150101-010000.gz", sha256: "0".repeat(64) };
    await store.replacePagecounts(file, "2015010100", [
      { project: "en.wikipedia", accessSite: "desktop-site", views: 7 },
      { project: "en.wikipedia", accessSite: "mobile-site", views: 3 },
    ]);
    const url =
      "/api/rest_v1/metrics/legacy/pagecounts/aggregate/en.wikipedia/all-sites/daily/2015010100/2015010200";
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(
      '{"items":[{"project":"en.wikipedia","access-site":"all-sites","granularity":"daily","timestamp":"2015010100","count":10}]}',
    );
    const none = await get(url.replace("en.wikipedia", "de.wikipedia"));
    expect(none.statusCode).toBe(404);
  });
});

/** The test store, counting its per-article reads (the only reads the cache tests make, with availability). */
function countingStore(): Store & { reads: number } {
  const counted = {
    reads: 0,
    perArticle: (query: Parameters<DuckDbStore["perArticle"]>[0]) => {
      counted.reads++;
      return store.perArticle(query);
    },
    availability: () => store.availability(),
  };
  return counted as unknown as Store & { reads: number };
}

describe("response cache", () => {
  it("answers a URL's third request on without reading the store, until the data changes", async () => {
    const counting = countingStore();
    const freshness = new Freshness(counting);
    const cached = await createApiServer({ store: counting, freshness, version: "test", rateLimit: 0 });
    const twice = async (options: {
      method: "GET" | "HEAD";
      url: string;
      headers?: Record<string, string>;
    }) => {
      await cached.inject(options);
      return cached.inject(options);
    };
    try {
      // The first request of a URL is not kept (most are never repeated); the second one is.
      const first = await twice({ method: "GET", url: CAT_DAILY });
      expect(counting.reads).toBe(2);
      const third = await cached.inject({ method: "GET", url: CAT_DAILY });
      expect(counting.reads).toBe(2);
      expect(third.body).toBe(first.body);
      expect(third.headers).toMatchObject({
        etag: first.headers.etag,
        "content-type": first.headers["content-type"],
        "cache-control": first.headers["cache-control"],
        vary: "accept",
      });
      const csv = await twice({ method: "GET", url: CAT_DAILY, headers: { accept: "text/csv" } });
      expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
      expect(counting.reads).toBe(4);
      const csvAgain = await cached.inject({
        method: "GET",
        url: CAT_DAILY,
        headers: { accept: "text/csv" },
      });
      expect([counting.reads, csvAgain.body]).toEqual([4, csv.body]);
      // "No data" is kept too, with its status and problem body, apart for each method.
      const missing = CAT_DAILY.replace("/Cat/", "/Nothing/");
      const absent = await twice({ method: "GET", url: missing });
      const absentAgain = await cached.inject({ method: "GET", url: missing });
      expect(counting.reads).toBe(6);
      expect([absentAgain.statusCode, absentAgain.body]).toEqual([404, absent.body]);
      expect(absentAgain.headers["content-type"]).toBe("application/problem+json");
      expect(absentAgain.headers["cache-control"]).toBe(absent.headers["cache-control"]);
      await cached.inject({ method: "HEAD", url: missing });
      expect(counting.reads).toBe(7);
      // The store changed: the cached answers are dropped, and the next one kept at once (its URL is
      // known to be asked for again).
      freshness.invalidate();
      await cached.inject({ method: "GET", url: CAT_DAILY });
      expect(counting.reads).toBe(8);
      await cached.inject({ method: "GET", url: CAT_DAILY });
      expect(counting.reads).toBe(8);
    } finally {
      await cached.close();
    }
  });

  it("remembers a bounded number of first requests, the oldest forgotten", async () => {
    const counting = countingStore();
    // 1 MiB of cache: its doorkeeper holds 2,048 first requests before it is emptied.
    const cached = await createApiServer({
      store: counting,
      version: "test",
      rateLimit: 0,
      responseCacheMiB: 1,
    });
    const urlOf = (n: number) => CAT_DAILY.replace("/Cat/", `/Title_${n}/`);
    try {
      for (let n = 0; n < 3000; n++) await cached.inject({ method: "GET", url: urlOf(n) });
      expect(counting.reads).toBe(3000);
      // The last ones are remembered as asked for: their second request is kept, the third is not read.
      await cached.inject({ method: "GET", url: urlOf(2999) });
      await cached.inject({ method: "GET", url: urlOf(2999) });
      expect(counting.reads).toBe(3001);
      // The first ones were forgotten when the doorkeeper was emptied: asked again, they start over.
      await cached.inject({ method: "GET", url: urlOf(0) });
      await cached.inject({ method: "GET", url: urlOf(0) });
      expect(counting.reads).toBe(3003);
    } finally {
      await cached.close();
    }
  });
});

describe("response cache and compression", () => {
  it("keeps what compression made of an answer for each Accept-Encoding, and sends it as it is", async () => {
    // Twelve days of views: an answer above the size compression starts at (1 KB).
    const longStore = await DuckDbStore.open(":memory:");
    const days = Array.from({ length: 12 }, (_, i) => `202602${String(i + 1).padStart(2, "0")}`);
    for (const day of days)
      await longStore.replaceHour(processedHour(`${day}10`, [pageviewRow({ views: 3 })]));
    await longStore.refreshServing(days);
    const url = `${BASE}/per-article/en.wikipedia/all-access/all-agents/Cat/daily/20260201/20260212`;
    const gzipSync = vi.spyOn(zlib, "gzipSync");
    const cached = await createApiServer({ store: longStore, version: "test", rateLimit: 0 });
    const gzipped = (headers: Record<string, string> = {}) =>
      cached.inject({ method: "GET", url, headers: { "accept-encoding": "gzip", ...headers } });
    try {
      const plain = await cached.inject({ method: "GET", url });
      expect(plain.body.length).toBeGreaterThan(1024);
      await gzipped();
      const kept = await gzipped();
      const compressions = gzipSync.mock.calls.length;
      expect(compressions).toBeGreaterThan(0);
      const again = await gzipped();
      expect(gzipSync.mock.calls.length).toBe(compressions);
      expect(again.headers).toMatchObject({
        "content-encoding": "gzip",
        vary: "accept, accept-encoding",
        etag: plain.headers.etag,
        "content-length": String(kept.rawPayload.length),
      });
      expect(again.rawPayload).toEqual(kept.rawPayload);
      expect(zlib.gunzipSync(again.rawPayload).toString()).toBe(plain.body);
      // Without Accept-Encoding, the same kept answer is sent plain.
      const plainAgain = await cached.inject({ method: "GET", url });
      expect([plainAgain.headers["content-encoding"], plainAgain.body]).toEqual([undefined, plain.body]);
      // Another Accept-Encoding is compressed once, then kept as well.
      const brotli = { "accept-encoding": "br" };
      const firstBrotli = await cached.inject({ method: "GET", url, headers: brotli });
      const secondBrotli = await cached.inject({ method: "GET", url, headers: brotli });
      expect(secondBrotli.headers["content-encoding"]).toBe("br");
      expect(secondBrotli.rawPayload).toEqual(firstBrotli.rawPayload);
      expect(zlib.brotliDecompressSync(secondBrotli.rawPayload).toString()).toBe(plain.body);
      // A client that has the answer is told so, with no body and no content-encoding.
      const notModified = await gzipped({ "if-none-match": String(plain.headers.etag) });
      expect(notModified.statusCode).toBe(304);
      expect(notModified.headers["content-encoding"]).toBeUndefined();
      expect(notModified.rawPayload.length).toBe(0);
    } finally {
      gzipSync.mockRestore();
      await cached.close();
      await longStore.close();
    }
  });
});

describe("CSV and documentation", () => {
  it("answers text/csv when asked, one row per entry, the item's fields repeated", async () => {
    const csv = await get(`${BASE}/top/en.wikipedia/all-access/2026/02/01`, { accept: "text/csv" });
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.body).toBe(
      "project,access,year,month,day,article,views,rank\r\n" +
        "en.wikipedia,all-access,2026,02,01,Cat,5,1\r\n" +
        "en.wikipedia,all-access,2026,02,01,Dog,2,2\r\n",
    );
    expect(csv.headers.vary).toContain("accept");
    const json = await get(`${BASE}/top/en.wikipedia/all-access/2026/02/01`, {
      accept: "application/json, text/csv;q=0.5",
    });
    expect(json.headers["content-type"]).toBe("application/json; charset=utf-8");
  });

  it("publishes an OpenAPI 3 document of every route, and Swagger UI at /api/rest_v1/?doc", async () => {
    const spec = (await get(`${BASE}/api-spec.json`)).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths).sort()).toEqual([
      "/api/rest_v1/metrics/legacy/pagecounts/aggregate/{project}/{accessSite}/{granularity}/{start}/{end}",
      "/api/rest_v1/metrics/pageviews/",
      "/api/rest_v1/metrics/pageviews/aggregate/{project}/{access}/{agent}/{granularity}/{start}/{end}",
      "/api/rest_v1/metrics/pageviews/availability",
      "/api/rest_v1/metrics/pageviews/per-article/{project}/{access}/{agent}/{article}/{granularity}/{start}/{end}",
      "/api/rest_v1/metrics/pageviews/top-by-country/{project}/{access}/{year}/{month}",
      "/api/rest_v1/metrics/pageviews/top-per-country/{country}/{access}/{year}/{month}/{day}",
      "/api/rest_v1/metrics/pageviews/top/{project}/{access}/{start}/{end}",
      "/api/rest_v1/metrics/pageviews/top/{project}/{access}/{year}/{month}/{day}",
      "/api/rest_v1/metrics/unique-devices/{project}/{accessSite}/{granularity}/{start}/{end}",
    ]);
    const doc = await get("/api/rest_v1/?doc");
    expect(doc.statusCode).toBe(302);
    const page = await get(String(doc.headers.location));
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain("swagger");
  });

  it("reports availability: the last processed hour, and each project's first and last hour", async () => {
    const body = (await get(`${BASE}/availability`)).json();
    expect(body.items).toEqual([
      {
        project: "all-projects",
        first_hour: "2026020110",
        last_hour: "2026020210",
        last_complete_hour: "2026020210",
      },
      {
        project: "en.wikipedia",
        first_hour: "2026020110",
        last_hour: "2026020210",
        last_complete_hour: "2026020210",
      },
    ]);
  });
});
