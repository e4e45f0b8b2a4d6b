import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../../src/api/server.ts";
import { DuckDbStore } from "../../src/store/duckdb-store.ts";
import { buildDashboard } from "./support.ts";

/** How `pageviews serve` ships the dashboard: its files, their caching and CSP, and a missing build. */

let dist: string;
let store: DuckDbStore;
let app: FastifyInstance;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "pageviews-dashboard-"));
  [store] = await Promise.all([DuckDbStore.open(":memory:"), buildDashboard(dist)]);
  app = await createApiServer({ store, version: "test", rateLimit: 0, dashboardRoot: dist });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dist, { recursive: true, force: true });
});

/** The files index.html loads: scripts, styles, icons. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map(
    (match) => match[1] as string,
  );
}

describe("the dashboard at /", () => {
  it("answers the page, checked again on every visit, under a CSP of its own", async () => {
    const response = await app.inject({ url: "/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.headers["cache-control"]).toBe("no-cache");
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.body).toContain('<script type="module"');
  });

  it("loads nothing from elsewhere, so that it works offline", async () => {
    const html = (await app.inject({ url: "/" })).body;
    const assets = assetsOf(html);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) expect(asset).toMatch(/^\.\//);
    const css = readFileSync(join(dist, assets.find((asset) => asset.endsWith(".css")) as string), "utf8");
    expect(css).not.toMatch(/url\((["']?)(https?:)?\/\//);
  });

  it("serves the built assets for a year: their names change with their content", async () => {
    const html = (await app.inject({ url: "/" })).body;
    const script = assetsOf(html).find((asset) => asset.endsWith(".js")) as string;
    expect(script).toMatch(/^\.\/assets\/.+-[\w-]{8}\.js$/);
    const response = await app.inject({ url: script.slice(1) });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/javascript/);
    expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("leaves every other path to the API: unknown ones are its 404, its routes keep their CSP", async () => {
    const unknown = await app.inject({ url: "/no-such-page" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers["content-type"]).toBe("application/problem+json");
    const listing = await app.inject({ url: "/api/rest_v1/metrics/pageviews/" });
    expect(listing.statusCode).toBe(200);
    expect(listing.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("says how to build the dashboard when it is not built", async () => {
    const unbuilt = await createApiServer({
      store,
      version: "test",
      rateLimit: 0,
      dashboardRoot: join(dist, "missing"),
    });
    const response = await unbuilt.inject({ url: "/" });
    expect(response.statusCode).toBe(503);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
    expect(response.body).toContain("npm run build:web");
    expect((await unbuilt.inject({ url: "/api/rest_v1/metrics/pageviews/" })).statusCode).toBe(200);
    await unbuilt.close();
  });
});
