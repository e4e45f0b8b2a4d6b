import { PassThrough, Writable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { writeTraffic } from "./write.ts";

const base = { seed: 11, start: new Date("2026-07-12T14:00:00Z"), hours: 2, lines: 5_000 };

async function collect(options: Parameters<typeof writeTraffic>[0]) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const result = await writeTraffic(options, out);
  return { result, bytes: Buffer.concat(chunks) };
}

describe("writeTraffic", () => {
  it("writes one line per request and reports lines and bytes", async () => {
    const { result, bytes } = await collect({ ...base, format: "webrequest" });
    const lines = bytes.toString("utf8").split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(5_000);
    expect(result).toEqual({ lines: 5_000, bytes: bytes.length });
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("writes byte-identical output for the same options, and other output for another seed", async () => {
    const a = await collect({ ...base, format: "combined" });
    const b = await collect({ ...base, format: "combined" });
    const c = await collect({ ...base, seed: 12, format: "combined" });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it("gzips the same bytes when asked", async () => {
    const plain = await collect({ ...base, format: "webrequest" });
    const gzipped = await collect({ ...base, format: "webrequest", gzip: true });
    expect(gzipped.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(gzipped.bytes).equals(plain.bytes)).toBe(true);
    expect(gzipped.result).toEqual(plain.result);
  });

  it("waits for a slow reader instead of buffering without bound", async () => {
    let received = 0;
    let mostBuffered = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        mostBuffered = Math.max(mostBuffered, slow.writableLength);
        setImmediate(callback);
      },
    });
    const { bytes } = await writeTraffic({ ...base, lines: 20_000, format: "webrequest" }, slow);
    expect(received).toBe(bytes);
    expect(bytes).toBeGreaterThan(10 * 2 ** 20);
    expect(mostBuffered).toBeLessThan(2 * 2 ** 20);
  });

  it("rejects when the stream fails", async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error("disk full"));
      },
    });
    await expect(writeTraffic({ ...base, format: "webrequest" }, failing)).rejects.toThrow("disk full");
  });
});
