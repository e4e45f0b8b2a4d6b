import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decompressIfGzip } from "./gzip.ts";

async function* inPiecesOf(size: number, bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of decompressIfGzip(chunks)) parts.push(chunk);
  return Buffer.concat(parts).toString("utf8");
}

const text = Array.from({ length: 2000 }, (_, i) => `line ${i} ${"abcdefghij".repeat(i % 7)}`).join("\n");

describe("decompressIfGzip", () => {
  it("passes plain bytes through unchanged, even when the first chunk is a single byte", async () => {
    expect(await readAll(inPiecesOf(1000, Buffer.from(text)))).toBe(text);
    expect(await readAll(inPiecesOf(1, Buffer.from("ab\n")))).toBe("ab\n");
    expect(await readAll(inPiecesOf(1, Buffer.from("\x1f")))).toBe("\x1f");
    expect(await readAll(inPiecesOf(1, Buffer.alloc(0)))).toBe("");
  });

  it("decompresses gzip recognised by its magic number, however the bytes are split", async () => {
    const compressed = gzipSync(text);
    for (const size of [1, 7, 4096, compressed.length]) {
      expect(await readAll(inPiecesOf(size, compressed))).toBe(text);
    }
  });

  it("reads concatenated gzip members through", async () => {
    const joined = Buffer.concat([gzipSync("first\n"), gzipSync("second\n")]);
    expect(await readAll(inPiecesOf(64, joined))).toBe("first\nsecond\n");
  });

  it("fails with a clear message on a truncated stream", async () => {
    const compressed = gzipSync(text);
    await expect(readAll(inPiecesOf(512, compressed.subarray(0, compressed.length - 20)))).rejects.toThrow(
      "gzip stream is truncated (unexpected end of file)",
    );
  });

  it("fails with a clear message on corrupt data", async () => {
    const corrupt = Buffer.from(gzipSync(text));
    corrupt.fill(0xff, 20, 60);
    await expect(readAll(inPiecesOf(512, corrupt))).rejects.toThrow(/^gzip stream is corrupt \(/);
  });

  it("passes on a failure of the underlying stream", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield gzipSync(text).subarray(0, 100);
      throw new Error("read failed: EIO");
    }
    await expect(readAll(failing())).rejects.toThrow("read failed: EIO");
  });
});
