import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RawSegment, RawZone } from "./raw-zone.ts";

let dataDir: string;
let zone: RawZone;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "pageviews-raw-"));
  zone = new RawZone(dataDir);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("RawZone", () => {
  it("lands lines per hour and reads them back as they were", async () => {
    const lines = ['{"dt":"2026-01-15T10:00:00Z"}', "line with ünïcode and \t tab"];
    const segment = await zone.land("2026011510", "webrequest", undefined, lines);
    expect(segment).toMatchObject({ hour: "2026011510", format: "webrequest", host: undefined, lines: 2 });
    expect(await zone.hours()).toEqual(["2026011510"]);
    const [listed] = await zone.segments("2026011510");
    expect(listed).toEqual(segment);
    expect(await zone.readLines(segment)).toEqual(lines);
  });

  it("keeps each shard worker's segments apart, and lists them all for a whole-hour reader", async () => {
    const first = { index: 0, count: 2 };
    const second = { index: 1, count: 2 };
    await zone.land("2026011510", "webrequest", undefined, ["a", "diff view"], first);
    await zone.land("2026011510", "webrequest", undefined, ["b", "diff view"], second);
    const [ofFirst] = await zone.segments("2026011510", first);
    expect(ofFirst).toMatchObject({ shard: first, lines: 2 });
    expect(await zone.readLines(ofFirst as RawSegment)).toEqual(["a", "diff view"]);
    expect(await zone.segments("2026011510", { index: 0, count: 3 })).toEqual([]);
    expect(await zone.hasSegments("2026011510", { index: 0, count: 3 })).toBe(false);
    expect(await zone.hasSegments("2026011510", first)).toBe(true);
    expect(await zone.hasSegments("2026011511")).toBe(false);
    expect(await zone.fingerprints(first)).toEqual(
      new Map([["2026011510", await zone.fingerprint("2026011510", first)]]),
    );
    expect(await zone.fingerprints({ index: 0, count: 3 })).toEqual(new Map());
    expect((await zone.segments("2026011510")).map((segment) => segment.shard)).toEqual(
      expect.arrayContaining([first, second]),
    );
    // A shard's fingerprint changes only with its own segments.
    const before = await zone.fingerprint("2026011510", first);
    await zone.land("2026011510", "webrequest", undefined, ["c"], second);
    expect(await zone.fingerprint("2026011510", first)).toBe(before);
    await zone.land("2026011510", "webrequest", undefined, ["c"], first);
    expect(await zone.fingerprint("2026011510", first)).not.toBe(before);
  });

  it("keeps the format and host needed to read a combined log again", async () => {
    await zone.land("2026011511", "combined", "en.wikipedia.org", ["a"]);
    const [segment] = await zone.segments("2026011511");
    expect(segment).toMatchObject({ format: "combined", host: "en.wikipedia.org", lines: 1 });
  });

  it("names the same content the same way, so landing it twice adds nothing", async () => {
    await zone.land("2026011510", "webrequest", undefined, ["a", "b"]);
    const before = await zone.fingerprint("2026011510");
    await zone.land("2026011510", "webrequest", undefined, ["a", "b"]);
    expect(await zone.segments("2026011510")).toHaveLength(1);
    expect(await zone.fingerprint("2026011510")).toBe(before);
    await zone.land("2026011510", "webrequest", undefined, ["c"]);
    expect(await zone.fingerprint("2026011510")).not.toBe(before);
  });

  it("writes a segment as its lines come, named and read as if it had been landed at once", async () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => `{"line":${i},"pad":"${"x".repeat(i % 700)}"}`);
    const writer = await zone.openSegment("2026011510", "webrequest", undefined);
    for (let i = 0; i < lines.length; i += 333) {
      if (!writer.write(lines.slice(i, i + 333))) await writer.drained();
    }
    expect(await zone.segments("2026011510")).toEqual([]);
    const written = await writer.finish();
    expect(await zone.readLines(written)).toEqual(lines);
    const other = new RawZone(join(dataDir, "other"));
    expect((await other.land("2026011510", "webrequest", undefined, lines)).name).toBe(written.name);
  });

  it("keeps every byte of lines written over many megabytes, in any script and of any length", async () => {
    const scripts = ["ascii", "ünïcödé", "日本語の記事", "emoji 🧭🗺️", "\u00e9".repeat(300)];
    const lines = Array.from(
      { length: 30_000 },
      (_, i) => `${i} ${scripts[i % scripts.length]} ${"y".repeat(i % 900)}`,
    );
    // Longer than the buffers lines are encoded into.
    lines.splice(12_345, 0, `long ${"é".repeat(1_500_000)} end`);
    const writer = await zone.openSegment("2026011510", "webrequest", undefined);
    for (let i = 0; i < lines.length; i += 2_000) {
      if (!writer.write(lines.slice(i, i + 2_000))) await writer.drained();
      // Lets gzip finish with earlier buffers, so that later lines are encoded into reused ones.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const written = await writer.finish();
    expect(await zone.readLines(written)).toEqual(lines);
    const content = createHash("sha256")
      .update(`${lines.join("\n")}\n`)
      .digest("hex");
    expect(written.name).toBe(`webrequest~-~${lines.length}~${content.slice(0, 16)}.br`);
    expect(brotliDecompressSync(readFileSync(written.path)).toString()).toBe(`${lines.join("\n")}\n`);
  });

  it("reads the gzip segments of earlier versions, and does not land their lines again", async () => {
    const lines = ["a", "ünïcode b"];
    const text = `${lines.join("\n")}\n`;
    const hash = createHash("sha256").update(text).digest("hex").slice(0, 16);
    mkdirSync(zone.hourDir("2026011510"), { recursive: true });
    const name = `webrequest~-~2~${hash}.gz`;
    writeFileSync(join(zone.hourDir("2026011510"), name), gzipSync(text));
    const [earlier] = await zone.segments("2026011510");
    expect(earlier).toMatchObject({ name, lines: 2 });
    expect(await zone.readLines(earlier as RawSegment)).toEqual(lines);
    const before = await zone.fingerprint("2026011510");
    expect(await zone.land("2026011510", "webrequest", undefined, lines)).toEqual(earlier);
    expect(readdirSync(zone.hourDir("2026011510"))).toEqual([name]);
    expect(await zone.fingerprint("2026011510")).toBe(before);
    expect((await zone.land("2026011510", "webrequest", undefined, ["c"])).name).toMatch(/\.br$/);
  });

  it("leaves nothing of a segment given up", async () => {
    const writer = await zone.openSegment("2026011510", "webrequest", undefined);
    writer.write(["a", "b"]);
    await writer.abort();
    expect(readdirSync(zone.hourDir("2026011510"))).toEqual([]);
  });

  it("ignores the temporary file of an interrupted landing", async () => {
    await zone.land("2026011510", "webrequest", undefined, ["a"]);
    writeFileSync(
      join(zone.hourDir("2026011510"), ".webrequest~-~1~0123456789abcdef.gz.1234.tmp"),
      "partial",
    );
    expect(await zone.segments("2026011510")).toHaveLength(1);
  });

  it("deletes what killed landings left, and nothing else", async () => {
    await zone.land("2026011510", "webrequest", undefined, ["a"]);
    // What a writer killed mid-segment leaves.
    writeFileSync(join(zone.hourDir("2026011510"), ".landing.0123456789ab.tmp"), "partial");
    const landed = readdirSync(zone.hourDir("2026011510")).filter((name) => !name.endsWith(".tmp"));
    expect(readdirSync(zone.hourDir("2026011510"))).toHaveLength(2);
    expect(await zone.removeInterruptedLandings()).toBe(1);
    expect(readdirSync(zone.hourDir("2026011510"))).toEqual(landed);
  });

  it("deletes an hour, and its day once empty", async () => {
    await zone.land("2026011510", "webrequest", undefined, ["a"]);
    await zone.land("2026011511", "webrequest", undefined, ["b"]);
    const { segments } = await zone.deleteHour("2026011510");
    expect(segments).toHaveLength(1);
    expect(await zone.hours()).toEqual(["2026011511"]);
    await zone.deleteHour("2026011511");
    expect(readdirSync(zone.root)).toEqual([]);
  });
});
