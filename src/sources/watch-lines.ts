import { isUtf8 } from "node:buffer";
import type { MalformedLine, WatchedLines } from "./watch-dir.ts";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = "\uFEFF";

/**
 * Cuts bytes that arrive in pieces into complete lines, collected into a batch until taken, and
 * counts the bytes and lines consumed, so that reading can resume after the last complete line.
 * Lines over the limit and invalid UTF-8 are reported as lines.ts reports them; an over-long line
 * is counted, never held.
 */
export class LineBatcher {
  private lines: string[] = [];
  private malformed: MalformedLine[] = [];
  private batchStart: number;
  /** Bytes of the unfinished last line (none while an over-long line is passed over). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** While an over-long line is passed over: how many of its bytes have gone by; else -1. */
  private skippedBytes = -1;
  private skippedEndsWithCarriageReturn = false;

  constructor(
    /** The end of the last complete line. */
    private offset: number,
    /** Lines consumed. */
    private lineCount: number,
    private readonly maxLineBytes: number,
  ) {
    this.batchStart = offset;
  }

  /** Bytes pushed after the last complete line. */
  get carriedBytes(): number {
    return this.pendingBytes + Math.max(this.skippedBytes, 0);
  }

  /** Where the bytes not yet pushed start. */
  get readPosition(): number {
    return this.offset + this.carriedBytes;
  }

  /** Bytes of the lines in the batch being collected. */
  get batchBytes(): number {
    return this.offset - this.batchStart;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.pendingBytes > 0 || this.skippedBytes >= 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        this.carry(chunk);
        return;
      }
      this.endCarriedLine(chunk.subarray(0, newline), 1);
      start = newline + 1;
    }
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline >= start) {
      // UTF-8 is self-synchronising, so one check settles every complete line unless it fails.
      const allValid = isUtf8(chunk.subarray(start, lastNewline));
      while (start <= lastNewline) {
        const newline = chunk.indexOf(NEWLINE, start);
        this.offset += newline + 1 - start;
        this.addLine(chunk, start, newline, allValid);
        start = newline + 1;
      }
    }
    if (start < chunk.length) this.carry(chunk.subarray(start));
  }

  /** The input is whole (a gzip file read to its end): its last line counts even without a newline. */
  finish(): void {
    if (this.pendingBytes > 0 || this.skippedBytes >= 0) this.endCarriedLine(Buffer.alloc(0), 0);
  }

  /** Reports an input that broke off, on the line it broke off in; that line is not consumed. */
  fail(reason: string): void {
    this.malformed.push({ lineNumber: this.lineCount + 1, reason: `${reason}; the input ends here` });
    this.pending = [];
    this.pendingBytes = 0;
    this.skippedBytes = -1;
  }

  /** The lines collected since the last batch, if any. */
  take(file: string): WatchedLines | undefined {
    if (this.lines.length === 0 && this.malformed.length === 0) return undefined;
    const batch: WatchedLines = {
      file,
      lines: this.lines,
      firstLineNumber: this.lineCount - this.lines.length + 1,
      malformed: this.malformed,
      startOffset: this.batchStart,
      endOffset: this.offset,
    };
    this.lines = [];
    this.malformed = [];
    this.batchStart = this.offset;
    return batch;
  }

  private carry(bytes: Buffer): void {
    if (this.skippedBytes >= 0) {
      this.skippedBytes += bytes.length;
      this.skippedEndsWithCarriageReturn = endsWithCarriageReturn(bytes);
      return;
    }
    // A copy, so that a short unfinished line does not keep a whole read buffer alive between polls.
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
    // +1 leaves room for the "\r" of a "\r\n" ending on a line of exactly the maximum length.
    if (this.pendingBytes > this.maxLineBytes + 1) {
      this.skippedBytes = this.pendingBytes;
      this.skippedEndsWithCarriageReturn = endsWithCarriageReturn(bytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  private endCarriedLine(tail: Buffer, newlineBytes: 0 | 1): void {
    if (this.skippedBytes >= 0) {
      const endsWithCr = tail.length > 0 ? endsWithCarriageReturn(tail) : this.skippedEndsWithCarriageReturn;
      const length = this.skippedBytes + tail.length;
      this.offset += length + newlineBytes;
      this.skippedBytes = -1;
      this.addMalformed(this.tooLong(length - (endsWithCr ? 1 : 0)));
      return;
    }
    const line = Buffer.concat([...this.pending, tail]);
    this.offset += line.length + newlineBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.addLine(line, 0, line.length, false);
  }

  private addLine(buffer: Buffer, start: number, end: number, knownValid: boolean): void {
    if (end > start && buffer[end - 1] === CARRIAGE_RETURN) end--;
    if (end - start > this.maxLineBytes) {
      this.addMalformed(this.tooLong(end - start));
    } else if (!knownValid && !isUtf8(buffer.subarray(start, end))) {
      this.addMalformed("invalid UTF-8");
    } else {
      const text = buffer.toString("utf8", start, end);
      this.lineCount++;
      this.lines.push(this.lineCount === 1 && text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text);
    }
  }

  private addMalformed(reason: string): void {
    this.lineCount++;
    this.malformed.push({ lineNumber: this.lineCount, reason });
    this.lines.push("");
  }

  private tooLong(length: number): string {
    return `line is ${length} bytes, longer than the ${this.maxLineBytes}-byte line limit`;
  }
}

function endsWithCarriageReturn(bytes: Buffer): boolean {
  return bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN;
}
