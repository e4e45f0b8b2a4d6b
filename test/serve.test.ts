import type { ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawRequest } from "../src/definition/types.ts";
import { formatWebrequest, generateRequests } from "../src/generate/traffic.ts";
import { loadRefineDependencies } from "../src/refine/dependencies.ts";
import { createRefiner } from "../src/refine/refine.ts";
import { startPageviews } from "./support/pageviews-cli.ts";

/**
 * `pageviews serve` as a child process: lines from a watched directory and from POST /ingest, across
 * an hour boundary on an injected clock; restarts in the middle of a file; the operations endpoints;
 * bad bodies.
 */

const TOKEN = "test-token";
const workDir = mkdtempSync(join(tmpdir(), "pageviews-serve-"));
const dataDir = join(workDir, "data");
const watched = join(workDir, "incoming");
const log = join(watched, "access.log");
mkdirSync(watched);

const requests = [
  ...generateRequests({ seed: 9, start: new Date("2026-01-15T10:00:00Z"), hours: 3, lines: 6_000 }),
];
const until = (iso: string) => requests.filter((r) => r.dt < iso);
const between = (from: string, to: string) => requests.filter((r) => r.dt >= from && r.dt < to);
const refine = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });
const pageviews = (of: readonly RawRequest[]) =>
  of.filter((r) => {
    const { record } = refine(r);
    return record.is_pageview && record.project !== null;
  }).length;

let child: ChildProcess | undefined;
let base = "";

/** Starts serve and resolves with its address once it listens. */
async function start(): Promise<void> {
  const process = startPageviews([
    "serve",
    "--data-dir",
    dataDir,
    "--port",
    "0",
    "--watch",
    watched,
    "--ingest-token",
    TOKEN,
    "--max-body-mib",
    "1",
    "--now",
    "2026-01-15T10:20:00Z",
    "--rate-limit",
    "0",
    "--log-level",
    "warn",
  ]);
  child = process;
  base = await new Promise<string>((resolve, reject) => {
    createInterface({ input: process.stderr }).on("line", (line) => {
      const match = /Pageview API: (http:\/\/[^/]+)\//.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    process.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

async function stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  const running = child;
  if (running === undefined) return null;
  child = undefined;
  const exited = new Promise<number | null>((resolve) => running.once("exit", (code) => resolve(code)));
  running.kill(signal);
  return exited;
}

function append(lines: readonly RawRequest[]): void {
  appendFileSync(log, lines.map((r) => `${formatWebrequest(r)}\n`).join(""));
}

function post(body: Buffer | string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  return fetch(`${base}/ingest`, { method: "POST", body, headers });
}

/** Views of an hour, all projects and agents, once the API shows it (polls: processing is asynchronous). */
async function hourViews(hour: string): Promise<number> {
  const url = `${base}/api/rest_v1/metrics/pageviews/aggregate/all-projects/all-access/all-agents/hourly/${hour}/${hour}`;
  for (let attempt = 0; attempt < 120; attempt++) {
    const response = await fetch(url);
    if (response.status === 200)
      return ((await response.json()) as { items: { views: number }[] }).items[0]?.views ?? 0;
    await sleep(250);
  }
  throw new Error(`hour ${hour} never appeared`);
}

beforeAll(async () => {
  await start();
}, 60_000);
afterAll(async () => {
  await stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe("pageviews serve", () => {
  it("shows a closed hour with exact counts of lines watched and posted", async () => {
    const hour10 = until("2026-01-15T11:00:00Z");
    const [watchedPart, postedPart] = [hour10.slice(0, 1500), hour10.slice(1500)];
    // Written in two pieces that cut a line in half: the half waits for the rest.
    const text = watchedPart.map((r) => `${formatWebrequest(r)}\n`).join("");
    appendFileSync(log, text.slice(0, 1000));
    await sleep(300);
    appendFileSync(log, text.slice(1000));
    const response = await post(gzipSync(postedPart.map(formatWebrequest).join("\n")));
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: postedPart.length, malformed: 0 });
    // Lines past 11:10 close hour 10 (the clock is at 10:20, the newest line decides).
    append(between("2026-01-15T11:00:00Z", "2026-01-15T11:15:00Z"));
    expect(await hourViews("2026011510")).toBe(pageviews(hour10));
  }, 60_000);

  it("counts nothing twice and loses nothing across restarts in the middle of a file", async () => {
    const rest = between("2026-01-15T11:15:00Z", "2026-01-15T12:15:00Z");
    append(rest.slice(0, 700));
    await sleep(1500);
    expect(await stop("SIGTERM")).toBe(0);
    append(rest.slice(700, 1400));
    await start();
    await sleep(1500);
    // Killed without warning: what was read but not recorded as read is read again, and counted once.
    await stop("SIGKILL");
    append(rest.slice(1400));
    await start();
    expect(await hourViews("2026011511")).toBe(
      pageviews(between("2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z")),
    );
    expect(await hourViews("2026011510")).toBe(pageviews(until("2026-01-15T11:00:00Z")));
  }, 90_000);

  it("reports metrics, liveness and readiness", async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^pageviews_lines_accepted_total \d+/m);
    expect(metrics).toMatch(/^pageviews_last_complete_hour_timestamp_seconds 1768478400$/m);
    expect(metrics).toMatch(/^pageviews_hour_processing_seconds_count \d+/m);
    expect(metrics).toMatch(
      /^pageviews_http_requests_total\{route="\/api\/rest_v1\/metrics\/pageviews\/aggregate/m,
    );
    expect(metrics).toMatch(/^pageviews_raw_zone_bytes \d+/m);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", store: "ok" });
  });

  it("answers bad bodies with clean 4xx problems, and stays up", async () => {
    const noToken = await post("x", {});
    expect(noToken.status).toBe(401);
    expect((await post("x", { authorization: "Bearer wrong" })).status).toBe(401);
    const notLogs = await post("this is not a log\nnor is this\n");
    expect(notLogs.status).toBe(400);
    expect(notLogs.headers.get("content-type")).toBe("application/problem+json");
    const giantLine = await post(`{"dt":"${"x".repeat(1_100_000)}"}\n`);
    expect(giantLine.status).toBe(413);
    const badGzip = await post(
      Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from("garbage")]),
    );
    expect(badGzip.status).toBe(400);
    const empty = await post("");
    expect(empty.status).toBe(400);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
