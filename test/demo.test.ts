import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { startPageviews } from "./support/pageviews-cli.ts";

/** `npm start` runs `pageviews demo`; this runs it small, twice on one data directory. */

const dataDir = join(mkdtempSync(join(tmpdir(), "pageviews-demo-")), "demo-data");
afterAll(() => rmSync(join(dataDir, ".."), { recursive: true, force: true }));

async function runDemo(): Promise<{ stderr: string; availability: unknown; exitCode: number | null }> {
  const demo = startPageviews([
    "demo",
    "--data-dir",
    dataDir,
    "--port",
    "0",
    "--days",
    "1",
    "--lines",
    "3000",
  ]);
  let stderr = "";
  demo.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const base = await new Promise<string>((resolve, reject) => {
    createInterface({ input: demo.stdout }).on("line", (line) => {
      const match = /Pageviews is running on (http:\/\/\S+) /.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    demo.once("exit", (code) => reject(new Error(`demo exited with ${code}: ${stderr}`)));
  });
  const availability = await (await fetch(`${base}/api/rest_v1/metrics/pageviews/availability`)).json();
  const exited = new Promise<number | null>((resolve) => demo.once("exit", resolve));
  demo.kill("SIGTERM");
  return { stderr, availability, exitCode: await exited };
}

describe("pageviews demo", () => {
  it("back-fills a day of traffic and serves it, then reuses the data on the next start", async () => {
    const first = await runDemo();
    expect(first.stderr).toMatch(/Back-filled 24 hours from 3,000 lines/);
    expect(first.exitCode).toBe(0);
    const items = (first.availability as { items: { project: string }[] }).items;
    expect(items[0]?.project).toBe("all-projects");
    const second = await runDemo();
    expect(second.stderr).toMatch(/Reusing the demo data/);
    expect(second.stderr).not.toMatch(/Back-filled/);
    expect(second.exitCode).toBe(0);
  }, 120_000);
});
