import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Admin, Kafka, logLevel, type Message, Partitioners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawRequest } from "../src/definition/types.ts";
import { formatWebrequest, generateRequests } from "../src/generate/traffic.ts";
import { RawZone } from "../src/store/raw-zone.ts";
import { pageviewsAmong, type ServeProcess, startServe } from "./support/serve-process.ts";

/**
 * `pageviews serve --kafka-brokers` against a real broker, given as KAFKA_BROKERS (e.g.
 * `KAFKA_BROKERS=localhost:9092 npx vitest run test/kafka.test.ts`): generated webrequest messages on a
 * fresh topic of three partitions are landed, processed and served with exact counts, the group's
 * committed offsets reach the end of every partition, and a restart lands nothing twice. Without
 * KAFKA_BROKERS it is skipped, and says so.
 */

const brokers = (process.env.KAFKA_BROKERS ?? "")
  .split(",")
  .map((broker) => broker.trim())
  .filter((broker) => broker !== "");
const SKIPPED = "skipped: KAFKA_BROKERS is not set (KAFKA_BROKERS=host:9092 runs it against that broker)";
if (brokers.length === 0) {
  console.warn(`test/kafka.test.ts: the Kafka integration test is ${SKIPPED}`);
  describe("the Kafka source against a real broker", () => {
    it.skip(SKIPPED, () => undefined);
  });
}

describe("pageviews serve --kafka-brokers, with no broker answering", () => {
  it("serves the API, reports the consumer connecting at /readyz, and stops cleanly", async () => {
    const workDir = mkdtempSync(join(tmpdir(), "pageviews-kafka-"));
    const serve = await startServe([
      ...["--data-dir", join(workDir, "data"), "--port", "0", "--log-level", "silent"],
      // Nothing listens on port 1: kafkajs keeps trying to connect.
      ...["--kafka-brokers", "127.0.0.1:1", "--kafka-topic", "webrequest"],
    ]);
    try {
      const ready = await fetch(`${serve.base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", kafka: "connecting" });
      expect(await (await fetch(`${serve.base}/metrics`)).text()).toMatch(/^pageviews_kafka_connected 0$/m);
    } finally {
      expect(await serve.stop("SIGTERM")).toBe(0);
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(brokers.length === 0)("pageviews serve --kafka-brokers, against a real broker", () => {
  const PARTITIONS = 3;
  const topic = `pageviews-test-${Date.now()}-${randomBytes(3).toString("hex")}`;
  const groupId = `${topic}-group`;
  const workDir = mkdtempSync(join(tmpdir(), "pageviews-kafka-"));
  const dataDir = join(workDir, "data");
  const kafka = new Kafka({ clientId: "pageviews-test", brokers, logLevel: logLevel.WARN });
  const admin: Admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

  const requests = [
    ...generateRequests({ seed: 11, start: new Date("2026-01-15T10:00:00Z"), hours: 2, lines: 4_000 }),
  ];
  const inHour = (of: readonly RawRequest[], hour: string) => of.filter((r) => r.dt.startsWith(hour));
  const [first, later] = [requests.slice(0, 3_000), requests.slice(3_000)];
  let serve: ServeProcess | undefined;

  async function produce(values: readonly (string | null)[]): Promise<void> {
    const messages: Message[] = values.map((value, i) => ({ partition: i % PARTITIONS, value }));
    for (let start = 0; start < messages.length; start += 500)
      await producer.send({ topic, messages: messages.slice(start, start + 500) });
  }

  function startService(): Promise<ServeProcess> {
    return startServe([
      ...["--data-dir", dataDir, "--port", "0", "--rate-limit", "0", "--log-level", "warn"],
      ...["--kafka-brokers", brokers.join(","), "--kafka-topic", topic, "--kafka-group", groupId],
      "--kafka-from-beginning",
      // Both hours closed on the service's clock: they are processed once landed and settled.
      ...["--now", "2026-01-15T13:00:00Z", "--grace-minutes", "0"],
    ]);
  }

  /** Waits until the group's committed offset of every partition is the partition's end. */
  async function committedToTheEnd(): Promise<Map<number, string>> {
    for (let attempt = 0; attempt < 240; attempt++) {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
      const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = new Map((group?.partitions ?? []).map((p) => [p.partition, p.offset]));
      if ([...ends].every(([partition, high]) => committed.get(partition) === high)) return committed;
      await sleep(250);
    }
    throw new Error("the committed offsets never reached the ends of the partitions");
  }

  async function landedLines(): Promise<number> {
    const rawZone = new RawZone(dataDir);
    let lines = 0;
    for (const hour of await rawZone.hours())
      for (const segment of await rawZone.segments(hour)) lines += segment.lines;
    return lines;
  }

  /** The views the API shows for an hour, once they are `expected` (hours are processed again as lines land). */
  async function hourViewsReaching(hour: string, expected: number): Promise<number> {
    let views = -1;
    for (let attempt = 0; attempt < 120 && views !== expected; attempt++) {
      if (attempt > 0) await sleep(250);
      views = (await serve?.hourViews(hour)) ?? -1;
    }
    return views;
  }

  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${serve?.base}/metrics`)).text();
    const values = [...text.matchAll(new RegExp(`^${name}(?:\\{.*\\})? (\\S+)$`, "gm"))];
    return values.reduce((sum, match) => sum + Number(match[1]), 0);
  }

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    await producer.connect();
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it("lands every message once, commits to the end of each partition, and serves exact counts", async () => {
    await produce([...first.map(formatWebrequest), null, "{not json"]);
    serve = await startService();
    const committed = await committedToTheEnd();
    expect([...committed.keys()].sort()).toEqual([0, 1, 2]);
    expect(await landedLines()).toBe(first.length);
    expect(await metric("pageviews_kafka_messages_total")).toBe(first.length + 2);
    expect(await metric("pageviews_lines_malformed_total")).toBe(2);
    expect(await metric("pageviews_kafka_connected")).toBe(1);
    const hour10 = pageviewsAmong(inHour(first, "2026-01-15T10"));
    expect(await hourViewsReaching("2026011510", hour10)).toBe(hour10);
    const ready = await fetch(`${serve.base}/readyz`);
    expect(await ready.json()).toMatchObject({ status: "ready", kafka: "consuming" });
  }, 180_000);

  it("goes on from the committed offsets after a restart, landing nothing twice", async () => {
    expect(await serve?.stop("SIGTERM")).toBe(0);
    await produce(later.map(formatWebrequest));
    serve = await startService();
    await committedToTheEnd();
    expect(await landedLines()).toBe(requests.length);
    expect(await metric("pageviews_kafka_messages_total")).toBe(later.length);
    const [hour10, hour11] = ["2026-01-15T10", "2026-01-15T11"].map((h) =>
      pageviewsAmong(inHour(requests, h)),
    );
    expect(await hourViewsReaching("2026011511", hour11 as number)).toBe(hour11);
    expect(await hourViewsReaching("2026011510", hour10 as number)).toBe(hour10);
  }, 180_000);
});
