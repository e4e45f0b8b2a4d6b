import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { build } from "vite";
import { createApiServer } from "../../src/api/server.ts";
import { type ApiFixture, apiFixture } from "../support/api-fixture.ts";

/**
 * The dashboard built from the sources being tested, served with the API over the fixture's store
 * (filled by the real ingest path), and a headless Chromium to look at it.
 */

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Debian's chromium, headless, quiet: no sandbox (containers), no GPU, no calls home. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface DashboardServer {
  /** The server's root, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  fixture: ApiFixture;
  close(): Promise<void>;
}

/** Builds web/ into a temporary directory (a stale web/dist must not pass the tests) and serves it. */
export async function startDashboardServer(): Promise<DashboardServer> {
  const dist = mkdtempSync(join(tmpdir(), "pageviews-dashboard-"));
  const [fixture] = await Promise.all([apiFixture(), buildDashboard(dist)]);
  const app = await createApiServer({
    store: fixture.store,
    version: "test",
    rateLimit: 0,
    dashboardRoot: dist,
  });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url: `${address}/`,
    fixture,
    async close() {
      await app.close();
      await fixture.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}

export async function buildDashboard(outDir: string): Promise<void> {
  await build({
    configFile: fileURLToPath(new URL("../../web/vite.config.ts", import.meta.url)),
    build: { outDir, emptyOutDir: true },
    logLevel: "error",
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}
