import { setTimeout as sleep } from "node:timers/promises";
import { type Admin, type Consumer, Kafka, type LogEntry, logLevel, type SASLOptions } from "kafkajs";
import type { KafkaConfig } from "../config/schema.ts";
import type { KafkaBatchPayload } from "./kafka-source.ts";

/**
 * The kafkajs consumer behind the Kafka source: it connects, joins the consumer group, subscribes to
 * the topic and runs `eachBatch` with one worker per partition of the topic (each partition's batches
 * in order), offsets committed by `eachBatch` alone. It connects again after a failure kafkajs does
 * not recover from itself (brokers unreachable at start, an unknown topic, refused credentials), and
 * stops cleanly: the batches in hand are finished (landed, committed) before it leaves the group.
 */

type LogMethod = (fields: Record<string, unknown>, message: string) => void;
export interface KafkaLog {
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
}

/** What kafkajs is asked for: a consumer and an admin client (replaceable in tests). */
export interface KafkaClient {
  consumer(config: { groupId: string; allowAutoTopicCreation: boolean }): Consumer;
  admin(): Admin;
}

export interface KafkaConsumerOptions {
  config: KafkaConfig;
  eachBatch(payload: KafkaBatchPayload): Promise<void>;
  log: KafkaLog;
  /** Whether the consumer is in its group and consuming (for a metric). */
  connected?(connected: boolean): void;
  /** How long to wait before connecting again after a failure. */
  reconnectMs?: number;
  /** The client; by default kafkajs's over `config`'s brokers. */
  client?: KafkaClient;
}

export class KafkaConsumer {
  readonly #options: KafkaConsumerOptions;
  readonly #client: KafkaClient;
  #state = "not started";
  #stopped = false;
  #wake: () => void = () => undefined;
  readonly #stopping: Promise<void>;
  #following: Promise<void> = Promise.resolve();

  constructor(options: KafkaConsumerOptions) {
    this.#options = options;
    this.#client = options.client ?? kafkaClient(options.config, options.log);
    this.#stopping = new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Starts consuming in the background; failures are logged, and connecting is tried again. */
  start(): void {
    this.#following = this.#follow();
  }

  /** `connecting`, `consuming`, or what went wrong last: for /readyz's report. */
  state(): string {
    return this.#state;
  }

  /** Stops consuming once the batches in hand are landed and committed, and disconnects. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake();
    await this.#following;
  }

  async #follow(): Promise<void> {
    const { log, config, reconnectMs = 10_000 } = this.#options;
    while (!this.#stopped) {
      try {
        await this.#session();
      } catch (error) {
        this.#state = `failed: ${(error as Error).message}`;
        log.error(
          { err: error, brokers: config.brokers, topic: config.topic },
          `the Kafka consumer failed; connecting again in ${reconnectMs / 1000} s`,
        );
      }
      if (!this.#stopped) await Promise.race([sleep(reconnectMs), this.#stopping]);
    }
    this.#state = "stopped";
  }

  /** One consumer, from connecting until it stops or fails for good (resolves, or throws why). */
  async #session(): Promise<void> {
    const { config, log } = this.#options;
    const consumer = this.#client.consumer({ groupId: config.groupId, allowAutoTopicCreation: false });
    // kafkajs restarts the consumer itself after a retriable failure; the others end the session.
    const failed = new Promise<Error>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        this.#setConnected(false, `reconnecting: ${payload.error.message}`);
        if (!payload.restart) resolve(payload.error);
      });
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#setConnected(true, "consuming");
      log.info(
        { groupId: payload.groupId, partitions: payload.memberAssignment[config.topic] ?? [] },
        "joined the Kafka consumer group",
      );
    });
    this.#state = "connecting";
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [config.topic], fromBeginning: config.fromBeginning });
      const partitions = await this.#partitionCount();
      if (this.#stopped) return;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: partitions,
        eachBatch: (payload) => this.#options.eachBatch(payload),
      });
      const failure = await Promise.race([failed, this.#stopping]);
      if (failure !== undefined) throw failure;
    } finally {
      // Stops fetching, waits for the batches in hand (landed and committed), and leaves the group.
      await consumer
        .disconnect()
        .catch((error: unknown) => log.warn({ err: error }, "disconnecting from Kafka failed"));
      this.#setConnected(false, this.#state === "consuming" ? "disconnected" : this.#state);
    }
  }

  /** The topic's partitions: as many workers are run, so that each partition has its own. */
  async #partitionCount(): Promise<number> {
    const admin = this.#client.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.#options.config.topic] });
      return Math.max(1, topics[0]?.partitions.length ?? 1);
    } finally {
      await admin.disconnect();
    }
  }

  #setConnected(connected: boolean, state: string): void {
    this.#state = state;
    this.#options.connected?.(connected);
  }
}

function kafkaClient(config: KafkaConfig, log: KafkaLog): KafkaClient {
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    ssl: config.ssl,
    sasl: saslOptions(config),
    logLevel: logLevel.INFO,
    logCreator: () => (entry) => logEntry(log, entry),
  });
}

function saslOptions({ saslMechanism, saslUsername, saslPassword }: KafkaConfig): SASLOptions | undefined {
  if (saslMechanism === null || saslUsername === null || saslPassword === null) return undefined;
  return { mechanism: saslMechanism, username: saslUsername, password: saslPassword };
}

/** kafkajs's log lines into the service's log, at their level. */
function logEntry(log: KafkaLog, { namespace, level, log: content }: LogEntry): void {
  const { message, timestamp: _timestamp, ...fields } = content;
  const method =
    level === logLevel.ERROR
      ? "error"
      : level === logLevel.WARN
        ? "warn"
        : level === logLevel.INFO
          ? "info"
          : "debug";
  log[method]({ kafkajs: namespace, ...fields }, message);
}
