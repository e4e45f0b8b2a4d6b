import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { type LineEncoder, LineWriter } from "./output.ts";

/** A stream that keeps what it is given, and can be made to ask for a pause after each write. */
function collector(highWaterMark = 16 * 1024 * 1024) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  /** Everything written, once the stream has written it all. */
  const text = async () => {
    stream.end();
    await finished(stream);
    return Buffer.concat(chunks).toString("utf8");
  };
  return { stream, text, received: () => chunks.length };
}

describe("LineWriter", () => {
  it("writes each line with a newline, as UTF-8, once flushed", async () => {
    const { stream, text, received } = collector();
    const writer = new LineWriter(stream);
    writer.write("plain");
    writer.write("été 😀");
    expect(received()).toBe(0);
    await writer.flush();
    expect(await text()).toBe("plain\nété 😀\n");
  });

  it("keeps every line, in order, across many buffers and a line longer than one", async () => {
    const { stream, text } = collector();
    const writer = new LineWriter(stream);
    const lines = Array.from({ length: 5000 }, (_, i) => `${i} ${"é".repeat(i % 300)}`);
    lines.splice(2500, 0, "x".repeat(1024 * 1024));
    for (const line of lines) writer.write(line);
    await writer.flush();
    expect(await text()).toBe(`${lines.join("\n")}\n`);
  });

  it("keeps encoded lines in order with string lines, across buffers and a line longer than one", async () => {
    const { stream, text } = collector();
    const writer = new LineWriter(stream);
    // Claims more room than it uses, as encoders give upper bounds.
    const latin1: LineEncoder<string> = {
      maxBytes: (value) => 2 * value.length,
      encodeInto: (value, buffer, offset) => offset + buffer.write(value, offset, "latin1"),
    };
    const lines = Array.from({ length: 5000 }, (_, i) => `${i} ${"x".repeat(i % 300)}`);
    lines.splice(2500, 0, "y".repeat(1024 * 1024));
    lines.forEach((line, i) => {
      if (i % 3 === 0) writer.write(line);
      else writer.writeEncoded(line, latin1);
    });
    await writer.flush();
    expect(await text()).toBe(`${lines.join("\n")}\n`);
  });

  it("waits for the stream to drain when it asks to", async () => {
    const { stream, text } = collector(1);
    const writer = new LineWriter(stream);
    writer.write("x".repeat(300 * 1024));
    writer.write("next");
    expect(stream.writableNeedDrain).toBe(true);
    await writer.ready();
    expect(stream.writableNeedDrain).toBe(false);
    await writer.flush();
    expect(await text()).toBe(`${"x".repeat(300 * 1024)}\nnext\n`);
  });
});
