import type { Answer } from "../api/answer-hooks.ts";

export const REQUESTS_METRIC = "pageviews_http_requests_total";
export const DURATION_METRIC = "pageviews_http_request_duration_seconds";
const REQUESTS_HELP = "HTTP requests answered, by route template, method and status.";
const DURATION_HELP =
  "Time from a request's arrival until its answer is handed to the socket, by route template.";
export const DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

interface RouteTally {
  /** By method, then status. */
  readonly answers: Map<string, Map<number, number>>;
  /** Answers per duration bucket (not cumulative); the last one is +Inf. */
  readonly buckets: number[];
  seconds: number;
  count: number;
}

/**
 * The API's request counter and duration histogram, counted in plain numbers as answers are sent and
 * written in Prometheus' text format when scraped, in the form prom-client writes them. prom-client's
 * own `inc` and `observe` check and join their labels and find a bucket by its name on every call:
 * counted here instead, the API answered about 3 % more per-article requests/s (bench:api's paths,
 * ten A/B pairs on 29 November 2026). Route templates, methods and statuses are few: nested maps keep
 * the lookups on strings whose hashes are already known.
 */
export class AnswerTally {
  readonly #routes = new Map<string, RouteTally>();

  add({ route, method, status, seconds }: Answer): void {
    let tally = this.#routes.get(route);
    if (tally === undefined) {
      tally = {
        answers: new Map(),
        buckets: new Array(DURATION_BUCKETS.length + 1).fill(0),
        seconds: 0,
        count: 0,
      };
      this.#routes.set(route, tally);
    }
    let byStatus = tally.answers.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      tally.answers.set(method, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[bucket] as number)) bucket++;
    tally.buckets[bucket] = (tally.buckets[bucket] as number) + 1;
    tally.seconds += seconds;
    tally.count++;
  }

  /** Both metrics, in the text exposition format (each ends with a newline). */
  exposition(): string {
    const requests = [`# HELP ${REQUESTS_METRIC} ${REQUESTS_HELP}`, `# TYPE ${REQUESTS_METRIC} counter`];
    const durations = [`# HELP ${DURATION_METRIC} ${DURATION_HELP}`, `# TYPE ${DURATION_METRIC} histogram`];
    for (const [route, tally] of this.#routes) {
      const routeLabel = `route="${labelValue(route)}"`;
      for (const [method, byStatus] of tally.answers)
        for (const [status, count] of byStatus)
          requests.push(
            `${REQUESTS_METRIC}{${routeLabel},method="${labelValue(method)}",status="${status}"} ${count}`,
          );
      let cumulative = 0;
      tally.buckets.forEach((count, bucket) => {
        cumulative += count;
        const bound = DURATION_BUCKETS[bucket] ?? "+Inf";
        durations.push(`${DURATION_METRIC}_bucket{le="${bound}",${routeLabel}} ${cumulative}`);
      });
      durations.push(`${DURATION_METRIC}_sum{${routeLabel}} ${tally.seconds}`);
      durations.push(`${DURATION_METRIC}_count{${routeLabel}} ${tally.count}`);
    }
    return `${requests.join("\n")}\n\n${durations.join("\n")}\n`;
  }
}

/** A label value as the text format quotes it. */
const labelValue = (value: string) =>
  value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
