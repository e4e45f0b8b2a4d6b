import { setTimeout as sleep } from "node:timers/promises";
import { type InputSource, type SourceRecord, sourceFromRecords } from "./index.ts";
import { DEFAULT_MAX_LINE_BYTES } from "./lines.ts";
import { parseWebrequestLine } from "./webrequest-json.ts";

/**
 * The Kafka source's logic, apart from the client that owns the connection (kafka-consumer.ts): how a
 * batch of messages becomes requests and malformed-message reports, and when which offset is committed.
 * A partition's batch is accepted, landed durably in the raw zone, and only then is its offset
 * committed: at-least-once into the landing zone, duplicates being dropped when an hour is processed.
 */

/** The part of a kafkajs message read here. */
export interface KafkaMessageLike {
  offset: string;
  value: Buffer | null;
}

/** The part of kafkajs's `EachBatchPayload` used here, so that tests can hand over fake batches. */
export interface KafkaBatchPayload {
  batch: { topic: string; partition: number; highWatermark: string; messages: KafkaMessageLike[] };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(offsets: {
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<void>;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
  /** True when the partition was sought elsewhere (a rebalance): the batch is no longer this consumer's. */
  isStale(): boolean;
}

/** Where lines go: LiveIngest's accept, flush and reportMalformed. */
export interface KafkaLanding {
  accept(source: InputSource, host: undefined): Promise<unknown>;
  /** Resolves once everything accepted so far is in the raw zone; throws if it could not be landed. */
  flush(): Promise<void>;
  reportMalformed(reason: string, where: string): void;
}

/** What the operations side (metrics, logs) hears of. */
export interface KafkaObserver {
  batchConsumed?(topic: string, partition: number, messages: number): void;
  offsetCommitted?(topic: string, partition: number, offset: string, highWatermark: string): void;
  landingFailed?(error: unknown): void;
}

export interface DecodedMessages {
  /** The valid requests, in offset order. */
  records: SourceRecord[];
  malformed: { reason: string; where: string }[];
}

/** Where a message is, in malformed-line reports and logs: `kafka:webrequest/3@12345`. */
export function kafkaLocation(topic: string, partition: number, offset: string): string {
  return `kafka:${topic}/${partition}@${offset}`;
}

/** One line ending after the document is tolerated (a producer fed from files); any other is not. */
const TRAILING_LINE_ENDING = /\r?\n$/;
const LINE_BREAK = /[\r\n]/;

/**
 * Messages as webrequest JSON lines, one JSON document per message as varnishkafka writes them. A
 * message without a value, or whose value is not UTF-8, not one line, too long, or not a webrequest, is
 * reported with its location, never landed.
 */
export function decodeMessages(
  topic: string,
  partition: number,
  messages: readonly KafkaMessageLike[],
): DecodedMessages {
  const decoded: DecodedMessages = { records: [], malformed: [] };
  for (const [index, message] of messages.entries()) {
    const request = decodeMessage(message.value);
    if (typeof request === "string") {
      decoded.malformed.push({ reason: request, where: kafkaLocation(topic, partition, message.offset) });
    } else {
      decoded.records.push({ kind: "request", lineNumber: index + 1, ...request });
    }
  }
  return decoded;
}

function decodeMessage(
  value: Buffer | null,
): Pick<Extract<SourceRecord, { kind: "request" }>, "request" | "raw"> | string {
  if (value === null) return "message without a value";
  if (value.length > DEFAULT_MAX_LINE_BYTES) {
    return `message is ${value.length} bytes, longer than the ${DEFAULT_MAX_LINE_BYTES}-byte line limit`;
  }
  // The decoder refuses invalid UTF-8 instead of replacing it with U+FFFD.
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return "invalid UTF-8";
  }
  const raw = text.replace(TRAILING_LINE_ENDING, "");
  // The raw zone keeps one request per line: a line break inside would split it in two.
  if (LINE_BREAK.test(raw)) return "message holds a line break: one JSON document per message, on one line";
  if (raw === "") return "empty message";
  const request = parseWebrequestLine(raw);
  return typeof request === "string" ? request : { request, raw };
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The offset to commit once a message is processed: the next one to read, as Kafka counts. */
export function offsetAfter(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/** Messages in the partition not yet committed: its high watermark less the committed offset. */
export function offsetLag(highWatermark: string, committed: string): number {
  const lag = BigInt(highWatermark) - BigInt(committed);
  return lag > 0n ? Number(lag) : 0;
}

export interface BatchHandlerOptions {
  landing: KafkaLanding;
  observer?: KafkaObserver;
  /** How long to wait before landing again after a failure (a full disk). */
  retryLandingMs: number;
}

/**
 * The `eachBatch` of a kafkajs consumer run with `autoCommit: false` and `eachBatchAutoResolve: false`.
 * kafkajs hands each partition's batches over one at a time, in order. A batch is accepted, landed, and
 * then its last offset is resolved and committed (that offset + 1). It commits nothing that is not
 * landed: a batch that turned stale (a rebalance gave its partition away) is left alone, as is one
 * whose landing still fails when the consumer stops; its messages are read again by whoever consumes
 * the partition next.
 */
export function batchHandler(options: BatchHandlerOptions): (payload: KafkaBatchPayload) => Promise<void> {
  const { landing, observer } = options;
  const ours = (payload: KafkaBatchPayload) => payload.isRunning() && !payload.isStale();
  return async (payload) => {
    const { topic, partition, messages, highWatermark } = payload.batch;
    const last = messages.at(-1);
    if (last === undefined || !ours(payload)) return;
    const decoded = decodeMessages(topic, partition, messages);
    for (const { reason, where } of decoded.malformed) landing.reportMalformed(reason, where);
    await landing.accept(
      sourceFromRecords(`kafka:${topic}/${partition}`, "webrequest", decoded.records),
      undefined,
    );
    observer?.batchConsumed?.(topic, partition, messages.length);
    if (!(await landPatiently(payload, options))) return;
    // Landed. A stale batch's offsets are the new owner's to commit (it reads these messages again).
    if (payload.isStale()) return;
    const offset = offsetAfter(last.offset);
    payload.resolveOffset(last.offset);
    await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
    observer?.offsetCommitted?.(topic, partition, offset, highWatermark);
  };
}

/**
 * Lands what was accepted, trying again while it fails and the batch is still this consumer's (with a
 * heartbeat meanwhile, so that the group does not take the partition away); false if it gave up.
 */
async function landPatiently(payload: KafkaBatchPayload, options: BatchHandlerOptions): Promise<boolean> {
  for (;;) {
    try {
      await options.landing.flush();
      return true;
    } catch (error) {
      options.observer?.landingFailed?.(error);
      if (!payload.isRunning() || payload.isStale()) return false;
      await sleep(options.retryLandingMs);
      await payload.heartbeat();
    }
  }
}
