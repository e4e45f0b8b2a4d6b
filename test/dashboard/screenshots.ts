/**
 * Screenshots of each view for the documentation, `docs/dashboard-<view>.png`, from two months of
 * generated traffic ingested by the real path. Run by hand: `npx tsx test/dashboard/screenshots.ts`
 * (about a minute).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiServer } from "../../src/api/server.ts";
import { storePath } from "../../src/store/data-dir.ts";
import { DuckDbStore } from "../../src/store/duckdb-store.ts";
import { runPageviews } from "../support/pageviews-cli.ts";
import { buildDashboard, launchChromium } from "./support.ts";

const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));

const VIEWS: Record<string, string> = {
  pageviews:
    "#/pageviews?project=en.wikipedia&pages=Taylor_Swift|Deaths_in_2026|ChatGPT|Cristiano_Ronaldo&range=custom" +
    "&start=2026-01-01&end=2026-02-28&granularity=daily&access=all-access&agent=user&chart=line",
  topviews: "#/topviews?project=en.wikipedia&period=month&month=2026-02&access=all-access&limit=50",
  siteviews:
    "#/siteviews?projects=en.wikipedia|de.wikipedia|fr.wikipedia|ja.wikipedia&range=custom&start=2026-01-01" +
    "&end=2026-02-28&granularity=daily&split=none&access=all-access&agent=user&chart=line&log=1",
  countries: "#/countries?project=all-projects&month=2026-02&access=all-access",
};

function run(args: string[]): void {
  const result = runPageviews(args);
  if (result.status !== 0) throw new Error(`pageviews ${args[0]} failed:\n${result.stderr}`);
}

const work = mkdtempSync(join(tmpdir(), "pageviews-screenshots-"));
try {
  const traffic = join(work, "traffic.json.gz");
  const dataDir = join(work, "data");
  const dist = join(work, "dist");
  run([
    "generate",
    "--seed",
    "7",
    "--start",
    "2026-01-01T00:00:00Z",
    "--hours",
    String(59 * 24),
    "--lines",
    "600000",
    "--out",
    traffic,
  ]);
  run(["ingest", "--data-dir", dataDir, traffic]);
  await buildDashboard(dist);

  const store = await DuckDbStore.open(storePath(dataDir), { readOnly: true });
  const app = await createApiServer({ store, version: "screenshots", rateLimit: 0, dashboardRoot: dist });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ locale: "en-US", viewport: { width: 1200, height: 1000 } });
    for (const [view, hash] of Object.entries(VIEWS)) {
      await page.goto(`${url}/${hash}`);
      await page.waitForSelector(".results[data-state='ready']");
      const path = join(DOCS, `dashboard-${view}.png`);
      await page.screenshot({ path });
      console.log(path);
    }
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
