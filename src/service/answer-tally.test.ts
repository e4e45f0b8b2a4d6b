import { Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Answer } from "../api/answer-hooks.ts";
import { AnswerTally, DURATION_BUCKETS, DURATION_METRIC, REQUESTS_METRIC } from "./answer-tally.ts";

const PER_ARTICLE =
  "/api/rest_v1/metrics/pageviews/per-article/:project/:access/:agent/:article/:granularity/:start/:end";

const answers: Answer[] = [
  { route: PER_ARTICLE, method: "GET", status: 200, seconds: 0.0004 },
  { route: PER_ARTICLE, method: "GET", status: 200, seconds: 0.001 },
  { route: PER_ARTICLE, method: "GET", status: 404, seconds: 0.0011 },
  { route: PER_ARTICLE, method: "HEAD", status: 200, seconds: 0.3 },
  { route: "unknown", method: "GET", status: 400, seconds: 0 },
  { route: '/a\\b"c\nd', method: "GET", status: 200, seconds: 7 },
];

/** What prom-client writes for the same answers, with the metrics as they were declared before. */
async function promClientExposition(): Promise<string> {
  const registry = new Registry();
  const requests = new Counter({
    name: REQUESTS_METRIC,
    help: "HTTP requests answered, by route template, method and status.",
    labelNames: ["route", "method", "status"],
    registers: [registry],
  });
  const durations = new Histogram({
    name: DURATION_METRIC,
    help: "Time from a request's arrival until its answer is handed to the socket, by route template.",
    labelNames: ["route"],
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });
  for (const { route, method, status, seconds } of answers) {
    requests.inc({ route, method, status: String(status) });
    durations.observe({ route }, seconds);
  }
  return registry.metrics();
}

describe("AnswerTally", () => {
  it("writes what prom-client writes for the same answers, bucket edges and quoting included", async () => {
    const tally = new AnswerTally();
    for (const answer of answers) tally.add(answer);
    const expected = await promClientExposition();
    // The same lines; prom-client orders a histogram's series by first use too, so the text is equal.
    expect(tally.exposition()).toBe(expected);
  });

  it("counts each route, method and status apart, and its durations cumulatively", () => {
    const tally = new AnswerTally();
    for (const answer of answers) tally.add(answer);
    const lines = tally.exposition().split("\n");
    const route = `route="${PER_ARTICLE}"`;
    expect(lines).toContain(`${REQUESTS_METRIC}{${route},method="GET",status="200"} 2`);
    expect(lines).toContain(`${REQUESTS_METRIC}{${route},method="GET",status="404"} 1`);
    expect(lines).toContain(`${REQUESTS_METRIC}{${route},method="HEAD",status="200"} 1`);
    // 0.001 is within the 1 ms bucket (le: less than or equal), 0.0011 is not.
    expect(lines).toContain(`${DURATION_METRIC}_bucket{le="0.001",${route}} 2`);
    expect(lines).toContain(`${DURATION_METRIC}_bucket{le="0.0025",${route}} 3`);
    expect(lines).toContain(`${DURATION_METRIC}_bucket{le="+Inf",${route}} 4`);
    expect(lines).toContain(`${DURATION_METRIC}_count{${route}} 4`);
    expect(lines).toContain(`${DURATION_METRIC}_bucket{le="2.5",route="/a\\\\b\\"c\\nd"} 0`);
  });

  it("writes both metrics' headers when nothing was answered yet", () => {
    expect(new AnswerTally().exposition()).toBe(
      `# HELP ${REQUESTS_METRIC} HTTP requests answered, by route template, method and status.\n` +
        `# TYPE ${REQUESTS_METRIC} counter\n\n` +
        `# HELP ${DURATION_METRIC} Time from a request's arrival until its answer is handed to the socket, by route template.\n` +
        `# TYPE ${DURATION_METRIC} histogram\n`,
    );
  });
});
