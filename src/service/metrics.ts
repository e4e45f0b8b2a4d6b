import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Answer } from "../api/answer-hooks.ts";
import { HOUR_MS, hourToEpochMs } from "../hours.ts";
import type { LiveIngestObserver } from "../pipeline/live-ingest.ts";
import { type KafkaObserver, offsetLag } from "../sources/kafka-source.ts";
import { reasonKind } from "../sources/malformed-tally.ts";
import { AnswerTally } from "./answer-tally.ts";

/** What the Kafka source reports, as metrics. */
export interface KafkaMetrics extends Required<Omit<KafkaObserver, "landingFailed">> {
  connected(connected: boolean): void;
}

/** Prometheus metrics of a running `pageviews serve`, at `GET /metrics`. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #linesAccepted = new Counter({
    name: "pageviews_lines_accepted_total",
    help: "Raw request lines read and landed in the raw zone.",
    registers: [this.registry],
  });
  readonly #linesMalformed = new Counter({
    name: "pageviews_lines_malformed_total",
    help: "Lines that could not be read, by kind of reason.",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly #viewsProcessed = new Counter({
    name: "pageviews_views_processed_total",
    help: "Pageviews produced by hour processings, by agent type (an hour processed again counts again).",
    labelNames: ["agent_type"],
    registers: [this.registry],
  });
  readonly #hourProcessing = new Histogram({
    name: "pageviews_hour_processing_seconds",
    help: "Time to process and store one hour.",
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly #hourFailures = new Counter({
    name: "pageviews_hour_processing_failures_total",
    help: "Hour processings that failed (the hour is tried again).",
    registers: [this.registry],
  });
  readonly purgeRuns = new Counter({
    name: "pageviews_purge_runs_total",
    help: "Retention purges run, by result.",
    labelNames: ["result"],
    registers: [this.registry],
  });
  /** The API's request counter and duration histogram, kept apart from prom-client (see AnswerTally). */
  readonly #answers = new AnswerTally();

  constructor(sources: {
    lastCompleteHour: () => string | null;
    lagSeconds: () => number | null;
    rawZoneBytes: () => Promise<number>;
  }) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "pageviews_last_complete_hour_timestamp_seconds",
      help: "End of the newest processed hour, as a Unix time.",
      registers: [this.registry],
      collect() {
        const hour = sources.lastCompleteHour();
        if (hour !== null) this.set((hourToEpochMs(hour) + HOUR_MS) / 1000);
      },
    });
    new Gauge({
      name: "pageviews_lag_seconds",
      help: "Time since the end of the newest processed hour: how stale the API's data is.",
      registers: [this.registry],
      collect() {
        const lag = sources.lagSeconds();
        if (lag !== null) this.set(lag);
      },
    });
    new Gauge({
      name: "pageviews_raw_zone_bytes",
      help: "Bytes of raw request data kept in the raw zone.",
      registers: [this.registry],
      async collect() {
        this.set(await sources.rawZoneBytes());
      },
    });
  }

  /** What the live ingestion reports, as metrics. */
  observer(): LiveIngestObserver {
    return {
      linesAccepted: (count) => this.#linesAccepted.inc(count),
      // Details such as positions and quoted values would make the labels unbounded.
      lineMalformed: (reason) => this.#linesMalformed.inc({ reason: reasonKind(reason) }),
      hourProcessed: (_hour, seconds, outcome) => {
        this.#hourProcessing.observe(seconds);
        for (const [agent, views] of outcome.pageviewsByAgent)
          this.#viewsProcessed.inc({ agent_type: agent }, views);
      },
      processingFailed: () => this.#hourFailures.inc(),
    };
  }

  #kafka: KafkaMetrics | undefined;

  /** The Kafka source's metrics, registered on first use (only a service that consumes Kafka has them). */
  kafka(): KafkaMetrics {
    if (this.#kafka !== undefined) return this.#kafka;
    const registers = [this.registry];
    const labelNames = ["topic", "partition"] as const;
    const messages = new Counter({
      name: "pageviews_kafka_messages_total",
      help: "Kafka messages read (malformed ones included), by topic and partition.",
      labelNames,
      registers,
    });
    const committed = new Gauge({
      name: "pageviews_kafka_committed_offset",
      help: "The offset last committed, once its messages were landed, by topic and partition.",
      labelNames,
      registers,
    });
    const lag = new Gauge({
      name: "pageviews_kafka_lag_messages",
      help: "Messages behind the partition's end when the last batch was committed, by topic and partition.",
      labelNames,
      registers,
    });
    const connected = new Gauge({
      name: "pageviews_kafka_connected",
      help: "1 while the Kafka consumer is in its group and consuming, 0 otherwise.",
      registers,
    });
    this.#kafka = {
      batchConsumed: (topic, partition, count) => messages.inc({ topic, partition }, count),
      offsetCommitted: (topic, partition, offset, highWatermark) => {
        committed.set({ topic, partition }, Number(offset));
        lag.set({ topic, partition }, offsetLag(highWatermark, offset));
      },
      connected: (value) => connected.set(value ? 1 : 0),
    };
    return this.#kafka;
  }

  /** Counts and times an answer, by its route's template (not its URL: bounded labels). */
  answered(answer: Answer): void {
    this.#answers.add(answer);
  }

  /** Serves the metrics at `GET /metrics`. */
  addRoute(app: FastifyInstance): void {
    app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
      reply.header("content-type", this.registry.contentType);
      reply.header("cache-control", "no-store");
      return `${await this.registry.metrics()}\n${this.#answers.exposition()}`;
    });
  }
}
