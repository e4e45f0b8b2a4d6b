import { open } from "node:fs/promises";
import type { RawRequest } from "../definition/types.ts";
import { parseCombinedLine } from "./combined-log.ts";
import { DETECTION_SAMPLE_SIZE, detectFormat, type InputFormat } from "./detect.ts";
import { decompressIfGzip } from "./gzip.ts";
import { DEFAULT_MAX_LINE_BYTES, type Line, readLineBatches } from "./lines.ts";
import { parseWebrequestLine } from "./webrequest-json.ts";

export { parseCombinedLine } from "./combined-log.ts";
export { DETECTION_SAMPLE_SIZE, detectFormat, type InputFormat } from "./detect.ts";
export { DEFAULT_MAX_LINE_BYTES } from "./lines.ts";
export { parseWebrequestLine } from "./webrequest-json.ts";

export interface SourceOptions {
  /** `auto` recognises the format from the first non-empty lines of each input. */
  format: InputFormat | "auto";
  /** uri_host for combined logs, which do not name the host (vhost_combined lines do). */
  host?: string;
  /** Longest accepted line in bytes; longer lines are reported as malformed. Default 1 MiB. */
  maxLineBytes?: number;
}

export type SourceRecord =
  | {
      kind: "request";
      lineNumber: number;
      request: RawRequest;
      /** The line as received, without its ending. */
      raw: string;
    }
  | { kind: "malformed"; lineNumber: number; reason: string };

export interface InputSource {
  /** The path as given, or `<stdin>`. */
  name: string;
  /** The format the lines are read as; null if auto-detection recognised none. */
  format: InputFormat | null;
  /** Bytes taken from the file or stdin so far: compressed bytes for gzip, so comparable to `sizeBytes`. */
  bytesRead(): number;
  /** The file's size in bytes; null for stdin, pipes and injected streams. */
  sizeBytes: number | null;
  /** Every non-empty line, in order, as a request or a malformed-line report. Iterable once. */
  records(): AsyncIterable<SourceRecord>;
  /** The same records in batches (one per chunk read, or per 64 KiB of it), for consumers that want fewer async hops. */
  recordBatches(): AsyncIterable<SourceRecord[]>;
  /** Stops reading and releases the file, for callers that do not read the records to the end. */
  close(): Promise<void>;
}

/** Where openSource reads `-` from; replaceable so tests need not touch the real stdin. */
export interface SourceStreams {
  stdin(): AsyncIterable<Uint8Array>;
}

const processStreams: SourceStreams = { stdin: () => process.stdin };

export const STDIN_NAME = "<stdin>";
export const UNRECOGNISED_FORMAT = "unrecognised format (use --format)";

/** Bigger than fs's 64 KiB default: fewer chunks, fewer batches, measurably faster. */
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Opens a file (plain or gzip, recognised by its magic bytes) or `-` for stdin. Rejects with an
 * Error naming the path if the file cannot be opened; after that nothing is thrown: unreadable
 * lines, and a stream that breaks off, become malformed records.
 */
export async function openSource(
  input: string,
  options: SourceOptions,
  streams: SourceStreams = processStreams,
): Promise<InputSource> {
  if (input === "-") return sourceFromStream(STDIN_NAME, streams.stdin(), options);
  const handle = await open(input, "r").catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot open input file "${input}": ${describeOpenError(error)}`, { cause: error });
  });
  const stats = await handle.stat();
  if (stats.isDirectory()) {
    await handle.close();
    throw new Error(`Cannot open input file "${input}": it is a directory`);
  }
  const stream = handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
  const source = await sourceFromStream(input, stream, options, stats.isFile() ? stats.size : null).catch(
    (error: unknown) => {
      stream.destroy();
      throw error;
    },
  );
  return {
    ...source,
    close: async () => {
      await source.close();
      if (!stream.closed) {
        // Wait for the descriptor itself to be released; an abort error on the way is expected.
        const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
        stream.destroy();
        await closed;
      }
    },
  };
}

/**
 * Whether requests in this format carry the X-Analytics header. Without it refinement must take the
 * access method from the host, since `ismobile` can never be set.
 */
export function carriesXAnalytics(format: InputFormat): boolean {
  return format === "webrequest";
}

/** A source over any byte stream: what openSource builds on, and a way in for tests and embedders. */
export async function sourceFromStream(
  name: string,
  chunks: AsyncIterable<Uint8Array>,
  options: SourceOptions,
  sizeBytes: number | null = null,
): Promise<InputSource> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) {
    throw new Error(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
  }
  let bytesRead = 0;
  const counted = countBytes(chunks, (count) => {
    bytesRead += count;
  });
  const lineBatches = readLineBatches(decompressIfGzip(counted), { maxLineBytes });

  let format: InputFormat | null;
  let sampled: Line[][] = [];
  if (options.format === "auto") {
    sampled = await readSample(lineBatches);
    format = detectFormat(firstTexts(sampled));
  } else {
    format = options.format;
  }

  const parse = parserFor(format, options.host);
  let consumed = false;
  async function* recordBatches(): AsyncGenerator<SourceRecord[]> {
    if (consumed) throw new Error(`The records of ${name} can only be read once`);
    consumed = true;
    for (const batch of sampled) yield batch.map((line) => toRecord(line, parse));
    sampled = [];
    for await (const batch of lineBatches) yield batch.map((line) => toRecord(line, parse));
  }

  return {
    name,
    format,
    sizeBytes,
    bytesRead: () => bytesRead,
    recordBatches,
    async *records() {
      for await (const batch of recordBatches()) yield* batch;
    },
    close: async () => {
      await lineBatches.return(undefined);
    },
  };
}

/** A source over records read elsewhere (the messages of a Kafka batch), for LiveIngest.accept. */
export function sourceFromRecords(
  name: string,
  format: InputFormat,
  records: readonly SourceRecord[],
): InputSource {
  let consumed = false;
  async function* recordBatches(): AsyncGenerator<SourceRecord[]> {
    if (consumed) throw new Error(`The records of ${name} can only be read once`);
    consumed = true;
    if (records.length > 0) yield [...records];
  }
  return {
    name,
    format,
    sizeBytes: null,
    bytesRead: () => 0,
    recordBatches,
    async *records() {
      for await (const batch of recordBatches()) yield* batch;
    },
    close: async () => undefined,
  };
}

/** Reads line batches until they hold enough non-empty lines to recognise the format. */
async function readSample(lineBatches: AsyncGenerator<Line[]>): Promise<Line[][]> {
  const sample: Line[][] = [];
  let lines = 0;
  while (lines < DETECTION_SAMPLE_SIZE) {
    const next = await lineBatches.next();
    if (next.done) break;
    sample.push(next.value);
    lines += next.value.length;
  }
  return sample;
}

/** The texts of the first readable lines: what format detection looks at. */
function firstTexts(batches: Line[][]): string[] {
  const texts: string[] = [];
  for (const batch of batches) {
    for (const line of batch) {
      if (texts.length === DETECTION_SAMPLE_SIZE) return texts;
      if ("text" in line) texts.push(line.text);
    }
  }
  return texts;
}

/** Parses a raw line, or says why it is not a request. */
export type LineParser = (line: string) => RawRequest | string;

/** The parser of a format's lines (for combined logs, with the host given with --host). */
export function parserFor(format: InputFormat | null, host: string | undefined): LineParser {
  switch (format) {
    case "webrequest":
      return parseWebrequestLine;
    case "combined": {
      const options = { vhost: false, host };
      return (line) => parseCombinedLine(line, options);
    }
    case "vhost_combined": {
      const options = { vhost: true, host };
      return (line) => parseCombinedLine(line, options);
    }
    case null:
      return () => UNRECOGNISED_FORMAT;
  }
}

function toRecord(line: Line, parse: LineParser): SourceRecord {
  if (!("text" in line)) return { kind: "malformed", lineNumber: line.lineNumber, reason: line.error };
  const parsed = parse(line.text);
  return typeof parsed === "string"
    ? { kind: "malformed", lineNumber: line.lineNumber, reason: parsed }
    : { kind: "request", lineNumber: line.lineNumber, request: parsed, raw: line.text };
}

async function* countBytes(
  chunks: AsyncIterable<Uint8Array>,
  count: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of chunks) {
      count(chunk.length);
      yield chunk;
    }
  } catch (error) {
    throw new Error(`read failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

function describeOpenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
      return "permission denied";
    default:
      return error.message;
  }
}
