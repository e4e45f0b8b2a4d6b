import { describe, expect, it } from "vitest";
import { formatWebrequest, generateRequests } from "../generate/traffic.ts";
import type { InputSource, SourceRecord } from "./index.ts";
import {
  batchHandler,
  decodeMessages,
  type KafkaBatchPayload,
  type KafkaLanding,
  type KafkaMessageLike,
  offsetAfter,
  offsetLag,
} from "./kafka-source.ts";
import { DEFAULT_MAX_LINE_BYTES } from "./lines.ts";

const lines: string[] = [
  ...generateRequests({ seed: 3, start: new Date("2026-01-15T10:00:00Z"), hours: 1, lines: 20 }),
].map(formatWebrequest);
const [first, second, third] = lines as [string, string, string];

function messages(values: readonly (string | Buffer | null)[], firstOffset = 100): KafkaMessageLike[] {
  return values.map((value, i) => ({
    offset: String(firstOffset + i),
    value: typeof value === "string" ? Buffer.from(value) : value,
  }));
}

describe("decodeMessages", () => {
  it("reads each message as one webrequest line, kept as received (less a trailing line ending)", () => {
    const decoded = decodeMessages("webrequest", 0, messages([first, `${second}\n`, `${third}\r\n`]));
    expect(decoded.malformed).toEqual([]);
    expect(decoded.records.map((r) => r.kind === "request" && r.raw)).toEqual(lines.slice(0, 3));
    const record = decoded.records[0] as SourceRecord & { kind: "request" };
    expect(record.request.uri_host).toBe(JSON.parse(first).uri_host);
  });

  it("reports every message it cannot land, at topic/partition@offset, and goes on", () => {
    const decoded = decodeMessages(
      "webrequest",
      3,
      messages(
        [
          null,
          Buffer.from([0x7b, 0xff, 0x7d]),
          `${first}\n${second}`,
          "",
          "{not json",
          '{"dt": "2026-01-15T10:00:00Z"}',
          "x".repeat(DEFAULT_MAX_LINE_BYTES + 1),
          third,
        ],
        12_340,
      ),
    );
    expect(decoded.malformed.map(({ where }) => where)).toEqual([
      "kafka:webrequest/3@12340",
      "kafka:webrequest/3@12341",
      "kafka:webrequest/3@12342",
      "kafka:webrequest/3@12343",
      "kafka:webrequest/3@12344",
      "kafka:webrequest/3@12345",
      "kafka:webrequest/3@12346",
    ]);
    expect(decoded.malformed.map(({ reason }) => reason.split(":")[0])).toEqual([
      "message without a value",
      "invalid UTF-8",
      "message holds a line break",
      "empty message",
      "invalid JSON",
      'missing required field "ip"',
      `message is ${DEFAULT_MAX_LINE_BYTES + 1} bytes, longer than the ${DEFAULT_MAX_LINE_BYTES}-byte line limit`,
    ]);
    expect(decoded.records).toHaveLength(1);
  });
});

describe("offsets", () => {
  it("commits the offset after the last message, beyond 2^53", () => {
    expect(offsetAfter("41")).toBe("42");
    expect(offsetAfter("9007199254740993")).toBe("9007199254740994");
  });

  it("measures the lag from the high watermark, never below zero", () => {
    expect(offsetLag("1500", "1000")).toBe(500);
    expect(offsetLag("1000", "1000")).toBe(0);
    expect(offsetLag("999", "1000")).toBe(0);
  });
});

/** A landing that records what happens, in order; `failures` flushes fail before one succeeds. */
function fakeLanding(failures = 0) {
  const events: string[] = [];
  const accepted: string[] = [];
  let queued: string[] = [];
  let toFail = failures;
  const landing: KafkaLanding = {
    async accept(source: InputSource) {
      for await (const record of source.records()) if (record.kind === "request") queued.push(record.raw);
      events.push("accept");
    },
    async flush() {
      if (toFail-- > 0) {
        events.push("flush failed");
        throw new Error("ENOSPC: no space left on device");
      }
      accepted.push(...queued);
      queued = [];
      events.push("landed");
    },
    reportMalformed: (_reason, where) => events.push(`malformed ${where}`),
  };
  return { landing, events, landed: accepted };
}

/** A batch of partition 2 of `webrequest`, with hooks to turn it stale or stop the consumer. */
function fakePayload(values: readonly (string | null)[], events: string[], firstOffset = 100) {
  const state = { running: true, stale: false };
  const payload: KafkaBatchPayload = {
    batch: {
      topic: "webrequest",
      partition: 2,
      highWatermark: "500",
      messages: messages(values, firstOffset),
    },
    resolveOffset: (offset) => events.push(`resolve ${offset}`),
    heartbeat: async () => {
      events.push("heartbeat");
    },
    commitOffsetsIfNecessary: async ({ topics }) => {
      for (const { topic, partitions } of topics)
        for (const { partition, offset } of partitions) events.push(`commit ${topic}/${partition}@${offset}`);
    },
    isRunning: () => state.running,
    isStale: () => state.stale,
  };
  return { payload, state };
}

describe("batchHandler", () => {
  it("lands a batch, then resolves its last message and commits the offset after it", async () => {
    const { landing, events, landed } = fakeLanding();
    const committed: string[] = [];
    const handle = batchHandler({
      landing,
      retryLandingMs: 1,
      observer: {
        offsetCommitted: (topic, partition, offset, high) =>
          committed.push(`${topic}/${partition}@${offset}/${high}`),
      },
    });
    const { payload } = fakePayload(lines.slice(0, 5), events);
    await handle(payload);
    expect(landed).toEqual(lines.slice(0, 5));
    expect(events).toEqual(["accept", "landed", "resolve 104", "commit webrequest/2@105"]);
    expect(committed).toEqual(["webrequest/2@105/500"]);
  });

  it("reports malformed messages and commits past them, landing only the good ones", async () => {
    const { landing, events, landed } = fakeLanding();
    const { payload } = fakePayload([first, null, "{oops"], events);
    await batchHandler({ landing, retryLandingMs: 1 })(payload);
    expect(landed).toEqual([first]);
    expect(events).toEqual([
      "malformed kafka:webrequest/2@101",
      "malformed kafka:webrequest/2@102",
      "accept",
      "landed",
      "resolve 102",
      "commit webrequest/2@103",
    ]);
  });

  it("keeps landing while it fails (a full disk), heartbeating, and commits only once landed", async () => {
    const { landing, events } = fakeLanding(2);
    const failures: unknown[] = [];
    const { payload } = fakePayload(lines.slice(0, 3), events);
    await batchHandler({ landing, retryLandingMs: 1, observer: { landingFailed: (e) => failures.push(e) } })(
      payload,
    );
    expect(events).toEqual([
      "accept",
      "flush failed",
      "heartbeat",
      "flush failed",
      "heartbeat",
      "landed",
      "resolve 102",
      "commit webrequest/2@103",
    ]);
    expect(failures).toHaveLength(2);
  });

  it("does not commit a batch whose partition was revoked while it was landed", async () => {
    const { landing, events, landed } = fakeLanding();
    const { payload, state } = fakePayload(lines.slice(0, 3), events);
    const flush = landing.flush;
    landing.flush = async () => {
      await flush();
      state.stale = true; // a rebalance gave the partition to another consumer meanwhile
    };
    await batchHandler({ landing, retryLandingMs: 1 })(payload);
    expect(landed).toHaveLength(3);
    expect(events).toEqual(["accept", "landed"]);
  });

  it("leaves a stale batch, or one handed over while stopping, untouched", async () => {
    const { landing, events } = fakeLanding();
    const stale = fakePayload(lines.slice(0, 3), events);
    stale.state.stale = true;
    await batchHandler({ landing, retryLandingMs: 1 })(stale.payload);
    const stopping = fakePayload(lines.slice(0, 3), events);
    stopping.state.running = false;
    await batchHandler({ landing, retryLandingMs: 1 })(stopping.payload);
    expect(events).toEqual([]);
  });

  it("gives up landing without committing when the consumer stops while landing fails", async () => {
    const { landing, events } = fakeLanding(Number.POSITIVE_INFINITY);
    const { payload, state } = fakePayload(lines.slice(0, 3), events);
    const heartbeat = payload.heartbeat;
    payload.heartbeat = async () => {
      await heartbeat();
      state.running = false;
    };
    await batchHandler({ landing, retryLandingMs: 1 })(payload);
    expect(events).toEqual(["accept", "flush failed", "heartbeat", "flush failed"]);
  });

  it("commits a batch landed while the consumer stops: a clean stop keeps its progress", async () => {
    const { landing, events } = fakeLanding();
    const { payload, state } = fakePayload(lines.slice(0, 2), events, 7);
    const accept = landing.accept;
    landing.accept = async (source, host) => {
      await accept(source, host);
      state.running = false;
    };
    await batchHandler({ landing, retryLandingMs: 1 })(payload);
    expect(events).toEqual(["accept", "landed", "resolve 8", "commit webrequest/2@9"]);
  });
});
