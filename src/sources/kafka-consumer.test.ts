import { setTimeout as sleep } from "node:timers/promises";
import type { Admin, Consumer, ConsumerRunConfig } from "kafkajs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../config/schema.ts";
import { type KafkaClient, KafkaConsumer, type KafkaLog } from "./kafka-consumer.ts";

const config = { ...DEFAULT_CONFIG.kafka, brokers: ["kafka1:9092"], topic: "webrequest_text" };

/** A kafkajs stand-in: each consumer() is the next of `consumers`, which say how connect() goes. */
function fakeClient(connects: ("ok" | Error)[], partitions = 3) {
  const calls: string[] = [];
  const runs: ConsumerRunConfig[] = [];
  const listeners = new Map<string, (event: { payload: unknown }) => void>();
  const client: KafkaClient = {
    consumer: ({ groupId }) => {
      const connect = connects.shift() ?? "ok";
      calls.push(`consumer ${groupId}`);
      return {
        events: { CRASH: "crash", GROUP_JOIN: "join" },
        on: (event: string, listener: (event: { payload: unknown }) => void) =>
          listeners.set(event, listener),
        connect: async () => {
          calls.push("connect");
          if (connect instanceof Error) throw connect;
        },
        subscribe: async ({ topics, fromBeginning }: { topics: string[]; fromBeginning: boolean }) => {
          calls.push(`subscribe ${topics.join()} ${fromBeginning}`);
        },
        run: async (run: ConsumerRunConfig) => {
          runs.push(run);
          calls.push("run");
          listeners.get("join")?.({ payload: { groupId, memberAssignment: { webrequest_text: [0, 1, 2] } } });
        },
        disconnect: async () => {
          calls.push("disconnect");
        },
      } as unknown as Consumer;
    },
    admin: () =>
      ({
        connect: async () => undefined,
        disconnect: async () => undefined,
        fetchTopicMetadata: async () => ({
          topics: [{ name: "webrequest_text", partitions: Array.from({ length: partitions }, (_, i) => i) }],
        }),
      }) as unknown as Admin,
  };
  return { client, calls, runs, crash: (payload: unknown) => listeners.get("crash")?.({ payload }) };
}

function quietLog(): KafkaLog & { errors: string[] } {
  const errors: string[] = [];
  const ignore = () => undefined;
  return {
    errors,
    error: (_fields, message) => errors.push(message),
    warn: ignore,
    info: ignore,
    debug: ignore,
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(5);
  expect(condition()).toBe(true);
}

describe("KafkaConsumer", () => {
  it("consumes with one worker per partition, committing nothing itself, and disconnects on stop", async () => {
    const { client, calls, runs } = fakeClient(["ok"], 6);
    const connected: boolean[] = [];
    const consumer = new KafkaConsumer({
      config,
      client,
      eachBatch: async () => undefined,
      log: quietLog(),
      connected: (value) => connected.push(value),
    });
    consumer.start();
    await until(() => consumer.state() === "consuming");
    expect(runs[0]).toMatchObject({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 6,
    });
    await consumer.stop();
    expect(calls).toEqual([
      "consumer pageviews",
      "connect",
      "subscribe webrequest_text false",
      "run",
      "disconnect",
    ]);
    expect(connected).toEqual([true, false]);
    expect(consumer.state()).toBe("stopped");
  });

  it("connects again after a failure, and after a crash kafkajs does not restart from", async () => {
    const { client, calls, crash } = fakeClient([new Error("Connection timeout"), "ok", "ok"]);
    const log = quietLog();
    const consumer = new KafkaConsumer({
      config,
      client,
      eachBatch: async () => undefined,
      log,
      reconnectMs: 1,
    });
    consumer.start();
    await until(() => consumer.state() === "consuming");
    expect(log.errors).toEqual(["the Kafka consumer failed; connecting again in 0.001 s"]);
    crash({ error: new Error("SASL authentication failed"), restart: false });
    await until(() => calls.filter((call) => call === "run").length === 2);
    await consumer.stop();
    expect(calls.filter((call) => call === "connect")).toHaveLength(3);
    expect(calls.at(-1)).toBe("disconnect");
  });

  it("stops while it cannot connect, without waiting to try again", async () => {
    const { client } = fakeClient([new Error("Connection timeout")]);
    const consumer = new KafkaConsumer({ config, client, eachBatch: async () => undefined, log: quietLog() });
    consumer.start();
    await until(() => consumer.state().startsWith("failed"));
    const started = Date.now();
    await consumer.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
