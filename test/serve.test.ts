import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawRequest } from "../src/definition/types.ts";
import { formatWebrequest, generateRequests } from "../src/generate/traffic.ts";
import { pageviewsAmong, type ServeProcess, startServe } from "./support/serve-process.ts";

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
const pageviews = pageviewsAmong;

let serve: ServeProcess | undefined;
let base = "";

/** Starts serve and waits until it listens. */
async function start(): Promise<void> {
  serve = await startServe([
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
  base = serve.base;
}

async function stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  const running = serve;
  serve = undefined;
  return running === undefined ? null : running.stop(signal);
}

function append(lines: readonly RawRequest[]): void {
  appendFileSync(log, lines.map((r) => `${formatWebrequest(r)}\n`).join(""));
}

function post(body: Buffer | string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  return fetch(`${base}/ingest`, { method: "POST", body, headers });
}

function hourViews(hour: string): Promise<number> {
  if (serve === undefined) throw new Error("serve is not running");
  return serve.hourViews(hour);
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
