import { isUtf8 } from "node:buffer";

/** One physical line of input: its text, or why it cannot be used. Line numbers are 1-based. */
export type Line = { lineNumber: number; text: string } | { lineNumber: number; error: string };

export interface LineReaderOptions {
  /** Longest accepted line in bytes, not counting the line ending. */
  maxLineBytes: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = "\uFEFF";
/**
 * Input is read in bigger chunks than this, but handed on at most this much at a time: a batch's
 * lines and records are all alive while it is processed, and bigger batches measurably had more of
 * them outlive young-generation collections (more copying and promotion).
 */
const BATCH_BYTES = 64 * 1024;

/**
 * Splits a byte stream into lines, yielding them in batches (one per input chunk, or per 64 KiB of a
 * bigger one) so that the per-line cost stays a few native calls rather than an async hop each.
 *
 * - `\n` and `\r\n` endings are accepted; empty lines are skipped but still counted.
 * - A line over `maxLineBytes` is reported and skipped without being held in memory: once the
 *   partial line passes the limit its bytes are only counted until the next newline.
 * - Invalid UTF-8 is reported, never replaced with U+FFFD.
 * - If the byte stream fails (a truncated gzip member, a read error), the failure is reported on
 *   the line that was being read and the batches end; nothing is thrown.
 */
export async function* readLineBatches(
  chunks: AsyncIterable<Uint8Array>,
  options: LineReaderOptions,
): AsyncGenerator<Line[]> {
  const splitter = new LineSplitter(options.maxLineBytes);
  try {
    for await (const chunk of chunks) {
      const bytes = toBuffer(chunk);
      for (let start = 0; start < bytes.length; start += BATCH_BYTES) {
        const batch = splitter.push(bytes.subarray(start, start + BATCH_BYTES));
        if (batch.length > 0) yield batch;
      }
    }
  } catch (error) {
    yield [splitter.fail(error instanceof Error ? error.message : String(error))];
    return;
  }
  const last = splitter.end();
  if (last) yield [last];
}

/** The same lines as {@link readLineBatches}, one at a time. */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  options: LineReaderOptions,
): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(chunks, options)) yield* batch;
}

/** Synchronous core of the line reader: feed it chunks, collect complete lines. */
class LineSplitter {
  private lineNumber = 0;
  /** Bytes of the current, unfinished line (empty while skipping an over-long line). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set while discarding an over-long line: how many of its bytes have gone by. */
  private skippedBytes = -1;
  private skippedEndsWithCarriageReturn = false;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): Line[] {
    const lines: Line[] = [];
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    if (newline !== -1 && (this.pendingBytes > 0 || this.skippedBytes >= 0)) {
      this.finishCarriedLine(chunk.subarray(0, newline), lines);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (newline !== -1) {
      // Newlines are ASCII and UTF-8 is self-synchronising, so one check over every complete line
      // in the chunk settles validity for all of them; lines are checked one by one only if it fails.
      const lastNewline = chunk.lastIndexOf(NEWLINE);
      const allValid = isUtf8(chunk.subarray(start, lastNewline));
      while (newline !== -1) {
        this.finishLine(chunk, start, newline, allValid, lines);
        start = newline + 1;
        newline = chunk.indexOf(NEWLINE, start);
      }
    }
    if (start < chunk.length) this.carry(chunk.subarray(start));
    return lines;
  }

  /** The last line when the input does not end with a newline. */
  end(): Line | undefined {
    if (this.skippedBytes >= 0 || this.pendingBytes > 0) {
      const lines: Line[] = [];
      this.finishCarriedLine(Buffer.alloc(0), lines);
      return lines[0];
    }
    return undefined;
  }

  /** Reports a failed byte stream on the line being read when it failed. */
  fail(message: string): Line {
    const lineNumber = this.lineNumber + 1;
    this.pending = [];
    this.pendingBytes = 0;
    this.skippedBytes = -1;
    return { lineNumber, error: `${message}; the input ends here` };
  }

  private carry(bytes: Buffer): void {
    if (this.skippedBytes >= 0) {
      this.skippedBytes += bytes.length;
      this.skippedEndsWithCarriageReturn = endsWithCarriageReturn(bytes);
      return;
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    // +1 leaves room for the `\r` of a `\r\n` ending on a line of exactly the maximum length.
    if (this.pendingBytes > this.maxLineBytes + 1) {
      this.skippedBytes = this.pendingBytes;
      this.skippedEndsWithCarriageReturn = endsWithCarriageReturn(bytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  private finishCarriedLine(tail: Buffer, lines: Line[]): void {
    if (this.skippedBytes >= 0) {
      const endsWithCr = tail.length > 0 ? endsWithCarriageReturn(tail) : this.skippedEndsWithCarriageReturn;
      const length = this.skippedBytes + tail.length - (endsWithCr ? 1 : 0);
      this.skippedBytes = -1;
      lines.push({ lineNumber: ++this.lineNumber, error: this.tooLong(length) });
      return;
    }
    this.pending.push(tail);
    const line = Buffer.concat(this.pending, this.pendingBytes + tail.length);
    this.pending = [];
    this.pendingBytes = 0;
    this.finishLine(line, 0, line.length, false, lines);
  }

  private finishLine(buffer: Buffer, start: number, end: number, knownValid: boolean, lines: Line[]): void {
    const lineNumber = ++this.lineNumber;
    if (end > start && buffer[end - 1] === CARRIAGE_RETURN) end--;
    if (end === start) return;
    if (end - start > this.maxLineBytes) {
      lines.push({ lineNumber, error: this.tooLong(end - start) });
    } else if (!knownValid && !isUtf8(buffer.subarray(start, end))) {
      lines.push({ lineNumber, error: "invalid UTF-8" });
    } else {
      const text = buffer.toString("utf8", start, end);
      lines.push({
        lineNumber,
        text: lineNumber === 1 && text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text,
      });
    }
  }

  private tooLong(length: number): string {
    return `line is ${length} bytes, longer than the ${this.maxLineBytes}-byte line limit`;
  }
}

function endsWithCarriageReturn(bytes: Buffer): boolean {
  return bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
