import { describe, expect, it } from "vitest";
import { type Line, readLineBatches, readLines } from "./lines.ts";

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === "string" ? Buffer.from(part, "utf8") : part;
}

/** Feeds `bytes` in pieces of `size` bytes, to cross every chunk boundary the reader has to handle. */
async function* inPiecesOf(size: number, bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function collect(chunks: AsyncIterable<Uint8Array>, maxLineBytes = 1024): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const line of readLines(chunks, { maxLineBytes })) lines.push(line);
  return lines;
}

describe("readLines", () => {
  it("numbers physical lines from 1 and skips empty lines without reporting them", async () => {
    expect(await collect(chunksOf("a\n\nb\n\n\nc\n"))).toEqual([
      { lineNumber: 1, text: "a" },
      { lineNumber: 3, text: "b" },
      { lineNumber: 6, text: "c" },
    ]);
  });

  it("accepts CRLF endings and a last line without a newline", async () => {
    expect(await collect(chunksOf("a\r\nb\r\n\r\nc"))).toEqual([
      { lineNumber: 1, text: "a" },
      { lineNumber: 2, text: "b" },
      { lineNumber: 4, text: "c" },
    ]);
  });

  it("gives the same lines whatever the chunk boundaries, including inside multi-byte characters", async () => {
    const text = "première ligne\r\nzweite Zeile 🚀\n\nтретья\n最後の行";
    const expected = await collect(chunksOf(text));
    expect(expected.map((line) => ("text" in line ? line.text : line.error))).toEqual([
      "première ligne",
      "zweite Zeile 🚀",
      "третья",
      "最後の行",
    ]);
    for (const size of [1, 2, 3, 5, 7]) {
      expect(await collect(inPiecesOf(size, Buffer.from(text, "utf8")))).toEqual(expected);
    }
  });

  it("reports invalid UTF-8 on its own line and keeps reading", async () => {
    const invalid = Buffer.from([0x61, 0xc3, 0x28, 0x62]);
    for (const chunks of [
      chunksOf("ok\n", invalid, "\nnext\n"),
      inPiecesOf(1, Buffer.concat([Buffer.from("ok\n"), invalid, Buffer.from("\nnext\n")])),
    ]) {
      expect(await collect(chunks)).toEqual([
        { lineNumber: 1, text: "ok" },
        { lineNumber: 2, error: "invalid UTF-8" },
        { lineNumber: 3, text: "next" },
      ]);
    }
  });

  it("reports a line that is valid UTF-8 only up to a truncated character", async () => {
    expect(await collect(chunksOf(Buffer.from("é", "utf8").subarray(0, 1)))).toEqual([
      { lineNumber: 1, error: "invalid UTF-8" },
    ]);
  });

  it("drops a byte-order mark at the start of the input", async () => {
    expect(await collect(chunksOf("\uFEFFfirst\n\uFEFFsecond\n"))).toEqual([
      { lineNumber: 1, text: "first" },
      { lineNumber: 2, text: "\uFEFFsecond" },
    ]);
  });

  it("reports lines over the limit with their length, whether they arrive whole or in pieces", async () => {
    const text = `short\n${"x".repeat(30)}\nok\n${"y".repeat(25)}`;
    const expected = [
      { lineNumber: 1, text: "short" },
      { lineNumber: 2, error: "line is 30 bytes, longer than the 20-byte line limit" },
      { lineNumber: 3, text: "ok" },
      { lineNumber: 4, error: "line is 25 bytes, longer than the 20-byte line limit" },
    ];
    expect(await collect(chunksOf(text), 20)).toEqual(expected);
    for (const size of [1, 4, 9])
      expect(await collect(inPiecesOf(size, Buffer.from(text)), 20)).toEqual(expected);
  });

  it("accepts a line of exactly the limit, with or without a CRLF ending", async () => {
    const text = `${"a".repeat(10)}\r\n${"b".repeat(10)}\n${"c".repeat(10)}\r\n`;
    for (const size of [1, 3, 11, 100]) {
      expect(await collect(inPiecesOf(size, Buffer.from(text)), 10)).toEqual([
        { lineNumber: 1, text: "a".repeat(10) },
        { lineNumber: 2, text: "b".repeat(10) },
        { lineNumber: 3, text: "c".repeat(10) },
      ]);
    }
  });

  it("does not count the CRLF ending in the length of a skipped line", async () => {
    expect(await collect(inPiecesOf(4, Buffer.from(`${"z".repeat(15)}\r\nok\r\n`)), 10)).toEqual([
      { lineNumber: 1, error: "line is 15 bytes, longer than the 10-byte line limit" },
      { lineNumber: 2, text: "ok" },
    ]);
  });

  it("skips a huge line without holding it in memory", async () => {
    // Fresh chunks, as a file stream gives them: a reader that kept them would hold the whole line.
    const lineBytes = 128 * 1024 * 1024;
    const chunkBytes = 64 * 1024;
    let peakArrayBuffers = 0;
    async function* hugeLine(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("before\n");
      for (let sent = 0; sent < lineBytes; sent += chunkBytes) {
        peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
        yield Buffer.alloc(chunkBytes, "x");
      }
      yield Buffer.from("\nafter\n");
    }
    const baseline = process.memoryUsage().arrayBuffers;
    expect(await collect(hugeLine(), 1024 * 1024)).toEqual([
      { lineNumber: 1, text: "before" },
      { lineNumber: 2, error: `line is ${lineBytes} bytes, longer than the 1048576-byte line limit` },
      { lineNumber: 3, text: "after" },
    ]);
    expect(peakArrayBuffers - baseline).toBeLessThan(lineBytes / 2);
  });

  it("reports a failing byte stream on the line being read, after the lines before it", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("one\ntwo\npartial li");
      throw new Error("gzip stream is truncated (unexpected end of file)");
    }
    expect(await collect(failing())).toEqual([
      { lineNumber: 1, text: "one" },
      { lineNumber: 2, text: "two" },
      { lineNumber: 3, error: "gzip stream is truncated (unexpected end of file); the input ends here" },
    ]);
  });

  it("batches the lines of each chunk together", async () => {
    const batches: Line[][] = [];
    for await (const batch of readLineBatches(chunksOf("a\nb\nc", "d\n", "\n\n"), { maxLineBytes: 10 })) {
      batches.push(batch);
    }
    expect(batches).toEqual([
      [
        { lineNumber: 1, text: "a" },
        { lineNumber: 2, text: "b" },
      ],
      [{ lineNumber: 3, text: "cd" }],
    ]);
  });

  it("hands on a big chunk in batches of at most 64 KiB, with lines and characters cut between them kept whole", async () => {
    // 300 lines of about 1.3 KiB in one 400 KiB chunk; multi-byte characters straddle the batch cuts.
    const texts = Array.from({ length: 300 }, (_, i) => `${i} ${"é🚀ж".repeat(150 + (i % 7))}`);
    const chunk = Buffer.from(`${texts.join("\n")}\n`, "utf8");
    const batches: Line[][] = [];
    for await (const batch of readLineBatches(chunksOf(chunk), { maxLineBytes: 4096 })) batches.push(batch);
    const batchBytes = batches.map((batch) =>
      batch.reduce((sum, line) => sum + ("text" in line ? Buffer.byteLength(line.text) + 1 : 0), 0),
    );
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(chunk.length / (64 * 1024)));
    // A batch holds the lines that end in its 64 KiB, and the line carried into it.
    for (const bytes of batchBytes) expect(bytes).toBeLessThanOrEqual(64 * 1024 + 4096);
    expect(batches.flat()).toEqual(texts.map((text, i) => ({ lineNumber: i + 1, text })));
  });
});
