import type { Writable } from "node:stream";

/** Big enough that a write call carries a few hundred records. */
const BUFFER_BYTES = 256 * 1024;
/** The most UTF-8 bytes one UTF-16 code unit can take. */
const MAX_BYTES_PER_UNIT = 3;
const NEWLINE = 0x0a;

/** Writes values of one kind as lines of bytes, straight into the writer's buffer. */
export interface LineEncoder<T> {
  /** An upper bound on the bytes `encodeInto` writes for `value`. */
  maxBytes(value: T): number;
  /** Writes `value` into `buffer` at `offset`, without a newline; returns the offset after it. */
  encodeInto(value: T, buffer: Buffer, offset: number): number;
}

/**
 * Writes lines to a stream through one buffer of UTF-8 bytes. Encoding each line into the buffer
 * costs less than joining the lines into a string, which the stream must then flatten and encode,
 * and far less than a write per line.
 */
export class LineWriter {
  readonly #stream: Writable;
  #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  #used = 0;

  constructor(stream: Writable) {
    this.#stream = stream;
  }

  /** Adds `line` and a newline. Call {@link ready} now and then to respect the stream's back-pressure. */
  write(line: string): void {
    if (this.#used + line.length * MAX_BYTES_PER_UNIT + 1 > this.#buffer.length) {
      this.#send();
      if (line.length * MAX_BYTES_PER_UNIT + 1 > this.#buffer.length) {
        this.#stream.write(`${line}\n`);
        return;
      }
    }
    this.#used += this.#buffer.write(line, this.#used);
    this.#buffer[this.#used++] = NEWLINE;
  }

  /** Adds `value` as a line written by `encoder`, which spares building the line as a string first. */
  writeEncoded<T>(value: T, encoder: LineEncoder<T>): void {
    const most = encoder.maxBytes(value) + 1;
    if (this.#used + most > this.#buffer.length) {
      this.#send();
      if (most > this.#buffer.length) {
        const line = Buffer.allocUnsafe(most);
        const end = encoder.encodeInto(value, line, 0);
        line[end] = NEWLINE;
        this.#stream.write(line.subarray(0, end + 1));
        return;
      }
    }
    this.#used = encoder.encodeInto(value, this.#buffer, this.#used);
    this.#buffer[this.#used++] = NEWLINE;
  }

  /** Resolves once the stream can take more; `undefined` when it already can. */
  ready(): Promise<void> | undefined {
    return this.#stream.writableNeedDrain ? drained(this.#stream) : undefined;
  }

  /** Sends what is buffered, and resolves once the stream can take more. */
  flush(): Promise<void> | undefined {
    this.#send();
    return this.ready();
  }

  #send(): void {
    if (this.#used === 0) return;
    // The stream keeps the bytes until it has written them, so the next lines go to a new buffer.
    const filled = this.#buffer.subarray(0, this.#used);
    this.#buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    this.#used = 0;
    this.#stream.write(filled);
  }
}

function drained(stream: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      stream.off("drain", onDrain);
      reject(error);
    };
    const onDrain = () => {
      stream.off("error", onError);
      resolve();
    };
    stream.once("drain", onDrain);
    stream.once("error", onError);
  });
}
