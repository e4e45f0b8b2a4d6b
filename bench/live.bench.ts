/**
 * The living system under load: generated traffic posted to `POST /ingest` at fixed rates while the API
 * is queried, on a `pageviews serve` child process whose clock starts a minute before an hour ends.
 *  1. sustained ingest: for each rate, the rate achieved and the POST latency (a rate is sustained when
 *     it is achieved and latency stays flat);
 *  2. API p99 during ingestion (autocannon on an hour already served), beside the same route idle;
 *  3. freshness: from the end of the hour (grace 0) until the API answers for it.
 *
 *   npm run bench:live [-- --rates 2000,5000,10000 --seconds 10]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { formatWebrequest, generateRequests } from "../src/generate/traffic.ts";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "2000,5000,10000" },
    seconds: { type: "string", default: "10" },
  },
});
const rates = values.rates.split(",").map(Number);
const seconds = Number(values.seconds);
const TOKEN = "bench";
const bin = fileURLToPath(new URL("../bin/pageviews", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "pageviews-live-bench-"));

/** Service time starts here: hour 10 ends 60 s (plus the set-up) after the start. */
const START = "2026-01-15T10:59:00Z";

function startServe(): Promise<[ChildProcess, string]> {
  const args = ["serve", "--data-dir", dataDir, "--port", "0", "--ingest-token", TOKEN, "--rate-limit", "0"];
  const child = spawn(bin, [...args, "--now", START, "--grace-minutes", "0", "--log-level", "warn"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr }).on("line", (line) => {
      const match = /Pageview API: (http:\/\/[^/]+)\//.exec(line);
      if (match?.[1] !== undefined) resolve([child, match[1]]);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

const post = (base: string, lines: string[]) =>
  fetch(`${base}/ingest`, {
    method: "POST",
    body: `${lines.join("\n")}\n`,
    headers: { authorization: `Bearer ${TOKEN}` },
  });

/** Posts lines at `rate` lines/s for `seconds`, in 10 posts a second; returns what it achieved. */
async function stream(base: string, source: Iterator<string>, rate: number) {
  const perPost = Math.max(1, Math.round(rate / 10));
  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  for (let tick = 0; tick < seconds * 10; tick++) {
    const lines: string[] = [];
    for (let i = 0; i < perPost; i++) {
      const next = source.next();
      if (next.done) break;
      lines.push(next.value);
    }
    const sentAt = performance.now();
    const response = await post(base, lines);
    if (response.status !== 202) throw new Error(`POST /ingest answered ${response.status}`);
    latencies.push(performance.now() - sentAt);
    sent += lines.length;
    const wait = started + (tick + 1) * 100 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.floor(p * (latencies.length - 1))] ?? 0;
  return { rate, achieved: sent / ((performance.now() - started) / 1000), p50: q(0.5), p99: q(0.99) };
}

async function apiLoad(base: string, durationSeconds: number) {
  const result = await autocannon({
    url: `${base}/api/rest_v1/metrics/pageviews/aggregate/all-projects/all-access/all-agents/hourly/2026011509/2026011509`,
    connections: 4,
    duration: durationSeconds,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

async function waitFor(base: string, hour: string): Promise<void> {
  const url = `${base}/api/rest_v1/metrics/pageviews/aggregate/all-projects/all-access/all-agents/hourly/${hour}/${hour}`;
  while ((await fetch(url)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
}

const [serve, base] = await startServe();
const startedAt = performance.now();
try {
  // An hour already served, for the API's load: hour 9 closes at once (the clock is at 10:59).
  const hour9 = [
    ...generateRequests({ seed: 1, start: new Date("2026-01-15T09:00:00Z"), hours: 1, lines: 20_000 }),
  ];
  await post(base, hour9.map(formatWebrequest));
  await waitFor(base, "2026011509");
  const idle = await apiLoad(base, 5);

  // Hour 10's lines, as many as the rates need.
  const total = rates.reduce((sum, rate) => sum + rate * seconds, 0);
  const lines = generateRequests({
    seed: 2,
    start: new Date("2026-01-15T10:00:00Z"),
    hours: 1,
    lines: total,
  });
  const source = (function* () {
    for (const request of lines) yield formatWebrequest(request);
  })();
  const streams = [];
  let busy: Awaited<ReturnType<typeof apiLoad>> | undefined;
  for (const [i, rate] of rates.entries()) {
    if (i === rates.length - 1) {
      const [figures, load] = await Promise.all([stream(base, source, rate), apiLoad(base, seconds)]);
      streams.push(figures);
      busy = load;
    } else streams.push(await stream(base, source, rate));
  }

  // Hour 10 ends when the service clock reaches 11:00 (with grace 0 it is due then), or, if the
  // streams ran past that, when its last lines were landed.
  const closedAt = Math.max(startedAt + 60_000, performance.now());
  const beforeClose = closedAt - performance.now();
  if (beforeClose > 0) await new Promise((resolve) => setTimeout(resolve, beforeClose));
  await waitFor(base, "2026011510");
  const queryableAfter = (performance.now() - closedAt) / 1000;

  console.log(`live ingestion through POST /ingest (${seconds} s per rate, 10 posts/s)`);
  for (const s of streams) {
    console.log(
      `  target ${String(s.rate).padStart(6)} lines/s: achieved ${s.achieved.toFixed(0).padStart(6)} lines/s, ` +
        `POST p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`,
    );
  }
  console.log(
    `API aggregate hourly: idle ${idle.rps.toFixed(0)} req/s p99 ${idle.p99} ms; during ingestion at ${rates.at(-1)} lines/s: ` +
      `${busy?.rps.toFixed(0)} req/s p99 ${busy?.p99} ms`,
  );
  console.log(
    `freshness: hour 10 (${total.toLocaleString()} lines) queryable ${queryableAfter.toFixed(1)} s after it closed (grace 0)`,
  );
} finally {
  serve.kill();
  await new Promise((resolve) => serve.once("exit", resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
