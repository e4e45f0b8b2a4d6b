/**
 * Writes generated traffic to a stream, as lines of one format, optionally gzipped, respecting
 * back-pressure.
 */

import { createGzip } from "node:zlib";
import { formatCombined, formatWebrequest } from "./format.ts";
import { generateRequests, type TrafficOptions } from "./model.ts";

export type TrafficFormat = "webrequest" | "combined";

export interface WriteOptions extends TrafficOptions {
  format: TrafficFormat;
  gzip?: boolean;
}

/**
 * Lines are encoded straight into chunks of this many bytes: big chunks keep the round trips to the
 * file system (and the waits for "drain") few, and encoding line by line avoids building large strings.
 */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 10;

/**
 * Writes the traffic of `options` to `out`, one line per request. `out` is flushed but not ended, so the
 * caller may keep using it (stdout) or close it (a file). Resolves with the number of lines and of
 * uncompressed bytes written; rejects if `out` fails (a closed pipe, a full disk).
 */
export async function writeTraffic(
  options: WriteOptions,
  out: NodeJS.WritableStream,
): Promise<{ lines: number; bytes: number }> {
  const format = options.format === "combined" ? formatCombined : formatWebrequest;
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
  };
  out.on("error", onError);
  // Level 3: a fifth larger than the default level 6, in half the time; generated logs are scratch data.
  const gzip = options.gzip ? createGzip({ level: 3 }) : undefined;
  if (gzip) {
    gzip.on("error", onError);
    gzip.pipe(out, { end: false });
  }
  const sink: NodeJS.WritableStream = gzip ?? out;

  async function write(chunk: Buffer): Promise<void> {
    if (failure) throw failure;
    if (!sink.write(chunk)) await settled(sink, "drain", out);
  }

  let lines = 0;
  let bytes = 0;
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  try {
    for (const request of generateRequests(options)) {
      const line = format(request);
      // A UTF-8 encoding takes at most 3 bytes per UTF-16 code unit.
      const room = line.length * 3 + 1;
      if (used + room > chunk.length) {
        if (used > 0) await write(chunk.subarray(0, used));
        chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
        used = 0;
      }
      const written = chunk.write(line, used);
      chunk[used + written] = NEWLINE;
      used += written + 1;
      bytes += written + 1;
      lines++;
    }
    if (used > 0) await write(chunk.subarray(0, used));
    if (gzip) {
      const ended = settled(gzip, "end", out);
      gzip.end();
      await ended;
    }
    if (failure) throw failure;
    return { lines, bytes };
  } finally {
    out.removeListener("error", onError);
    if (gzip) gzip.unpipe(out);
  }
}

/** Resolves on `event` from `emitter`, rejects on an error from it or from `out`; leaves no listener behind. */
function settled(emitter: NodeJS.EventEmitter, event: string, out: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      cleanup();
      resolve();
    };
    const fail = (error: unknown) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      emitter.removeListener(event, done);
      emitter.removeListener("error", fail);
      out.removeListener("error", fail);
    };
    emitter.on(event, done);
    emitter.on("error", fail);
    out.on("error", fail);
  });
}
