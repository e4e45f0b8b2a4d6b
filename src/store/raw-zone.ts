import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { brotliDecompress, constants, createBrotliCompress, gunzip } from "node:zlib";
import { unlessMissing } from "../missing-file.ts";
import type { InputFormat } from "../sources/index.ts";
import { syncDirectory } from "./durable-fs.ts";
import type { ShardSpec } from "./store.ts";

const gunzipAsync = promisify(gunzip);
const brotliDecompressAsync = promisify(brotliDecompress);

/**
 * One file of raw lines, as received, for one UTC hour. Its name says how to read it again
 * (format and, for combined logs, the host given with --host), how many lines it holds, a hash
 * of its content, when a shard worker landed it, the shard, and its compression (brotli; gzip in
 * segments that earlier versions landed): `<format>~<host or ->~<lines>~<hash>[~<i>of<N>].br`.
 */
export interface RawSegment {
  hour: string;
  path: string;
  name: string;
  format: InputFormat;
  host: string | undefined;
  lines: number;
  bytes: number;
  /** The worker that landed it (its lines and the diff views it needed); absent for a whole-hour ingest. */
  shard: ShardSpec | undefined;
}

const SEGMENT_NAME =
  /^(webrequest|combined|vhost_combined)~([^~]+)~(\d+)~([0-9a-f]{16})(?:~(\d+)of(\d+))?\.(br|gz)$/;
const HOUR_DIR = /^(\d{4})-(\d{2})-(\d{2})$/;
const TEMPORARY_NAME = /^\.landing\.[0-9a-f]+\.tmp$/;

/**
 * The raw landing zone: the only place where IPs, user agents, paths and queries are kept, so that
 * hours can be re-processed (late data, a new definition version). Partitioned by UTC hour
 * (`raw/YYYY-MM-DD/HH/`), compressed, written atomically (temporary file, fsync, rename), so a
 * crash leaves either a whole segment or none.
 */
export class RawZone {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, "raw");
  }

  hourDir(hour: string): string {
    return join(this.root, `${hour.slice(0, 4)}-${hour.slice(4, 6)}-${hour.slice(6, 8)}`, hour.slice(8, 10));
  }

  /**
   * Lands lines of one hour as a new segment. Landing the same lines again names the same file. The
   * lines are compressed a megabyte at a time, so an hour is never copied whole into one buffer.
   */
  async land(
    hour: string,
    format: InputFormat,
    host: string | undefined,
    lines: readonly string[],
    shard?: ShardSpec,
  ): Promise<RawSegment> {
    const writer = await this.openSegment(hour, format, host, shard);
    try {
      let start = 0;
      let chars = 0;
      for (let end = 0; end < lines.length; end++) {
        chars += (lines[end] as string).length + 1;
        if (chars >= CHUNK_CHARS || end === lines.length - 1) {
          if (!writer.write(lines.slice(start, end + 1))) await writer.drained();
          start = end + 1;
          chars = 0;
        }
      }
      return await writer.finish();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  /**
   * A segment written as its lines come: they are compressed on libuv's threads while the caller
   * goes on, and the segment appears under its name only once {@link SegmentWriter.finish} is done.
   */
  async openSegment(
    hour: string,
    format: InputFormat,
    host: string | undefined,
    shard?: ShardSpec,
  ): Promise<SegmentWriter> {
    const dir = this.hourDir(hour);
    await mkdir(dir, { recursive: true });
    return new SegmentWriter({ hour, dir, format, host, shard });
  }

  /** Hours that have raw data, ascending. */
  async hours(): Promise<string[]> {
    const hours: string[] = [];
    for (const day of await listDir(this.root)) {
      const match = HOUR_DIR.exec(day);
      if (!match) continue;
      for (const hh of await listDir(join(this.root, day))) {
        if (/^\d{2}$/.test(hh)) hours.push(`${match[1]}${match[2]}${match[3]}${hh}`);
      }
    }
    return hours.sort();
  }

  /**
   * The hour's segments, by name; only those a shard landed when given. Left-over temporary files of
   * an interrupted landing are ignored.
   */
  async segments(hour: string, shard?: ShardSpec): Promise<RawSegment[]> {
    const dir = this.hourDir(hour);
    const segments: RawSegment[] = [];
    for (const name of (await listDir(dir)).sort()) {
      const match = SEGMENT_NAME.exec(name);
      if (!match || !landedBy(match, shard)) continue;
      const path = join(dir, name);
      const host = match[2] === "-" ? undefined : match[2];
      const { size } = await stat(path);
      segments.push({
        hour,
        path,
        name,
        format: match[1] as InputFormat,
        host,
        lines: Number(match[3]),
        bytes: size,
        shard: match[5] === undefined ? undefined : { index: Number(match[5]), count: Number(match[6]) },
      });
    }
    return segments;
  }

  /**
   * Identifies an hour's raw content (a shard's, when given): changes whenever a segment is added or
   * removed.
   */
  async fingerprint(hour: string, shard?: ShardSpec): Promise<string> {
    return fingerprintOf(await this.#segmentNames(hour, shard));
  }

  /**
   * {@link fingerprint} of every hour that has segments (a shard's, when given), in one pass over the
   * zone.
   */
  async fingerprints(shard?: ShardSpec): Promise<Map<string, string>> {
    const fingerprints = new Map<string, string>();
    for (const hour of await this.hours()) {
      const names = await this.#segmentNames(hour, shard);
      if (names.length > 0) fingerprints.set(hour, fingerprintOf(names));
    }
    return fingerprints;
  }

  /** Whether the hour has segments (a shard's, when given); reads names only. */
  async hasSegments(hour: string, shard?: ShardSpec): Promise<boolean> {
    return (await this.#segmentNames(hour, shard)).length > 0;
  }

  async #segmentNames(hour: string, shard: ShardSpec | undefined): Promise<string[]> {
    return (await listDir(this.hourDir(hour))).filter((name) => {
      const match = SEGMENT_NAME.exec(name);
      return match !== null && landedBy(match, shard);
    });
  }

  async readLines(segment: RawSegment): Promise<string[]> {
    const compressed = await readFile(segment.path);
    const decompress = segment.name.endsWith(GZIP_SUFFIX) ? gunzipAsync : brotliDecompressAsync;
    const text = (await decompress(compressed)).toString("utf8");
    const lines = text.split("\n");
    lines.pop();
    return lines;
  }

  /**
   * Deletes the temporary files of landings that a killed run left; returns how many. Only for the
   * data directory's one writer, before it lands anything.
   */
  async removeInterruptedLandings(): Promise<number> {
    let removed = 0;
    for (const hour of await this.hours()) {
      const dir = this.hourDir(hour);
      for (const name of await listDir(dir)) {
        if (!TEMPORARY_NAME.test(name)) continue;
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Deletes an hour's raw data; returns what was deleted. */
  async deleteHour(hour: string): Promise<{ segments: RawSegment[] }> {
    const segments = await this.segments(hour);
    const dir = this.hourDir(hour);
    await rm(dir, { recursive: true, force: true });
    const dayDir = join(dir, "..");
    if ((await listDir(dayDir)).length === 0) await rm(dayDir, { recursive: true, force: true });
    return { segments };
  }
}

/**
 * Room for the compressor's output per pass on libuv's threads: each pass ends in a round trip to the
 * main thread, which is busy refining. With the default 16 KiB, the 2 M-line bench's ingest waited
 * 36 s for gzip; with 512 KiB, 23 s (and 2 s once writers could be ahead, below).
 */
const COMPRESSED_CHUNK_BYTES = 512 * 1024;

/**
 * Brotli at quality 1 rather than gzip at level 1: on generated webrequest lines it compresses about
 * twice as fast (550 vs 290 MB/s), to 11 % of the text instead of 14.5 %, and decompresses faster too.
 */
const BROTLI_QUALITY = 1;

const BROTLI_SUFFIX = ".br";
/** Segments landed by earlier versions, read as before. */
const GZIP_SUFFIX = ".gz";

/**
 * Bytes a writer may be ahead of the compressor before it is asked to wait: with the stream's own
 * limit (16 KiB), every batch of lines waited for its own compression, and the two never ran at the
 * same time.
 */
const UNCOMPRESSED_AHEAD_BYTES = 8 * 2 ** 20;

/** Characters of lines compressed at a time by {@link RawZone.land}. */
const CHUNK_CHARS = 2 ** 20;

/**
 * Lines are encoded straight into buffers of this size, each handed to the compressor whole and
 * reused once it has read it. Joining a batch into one string and encoding that copied every line
 * three times into fresh memory: on the 2 M-line bench, 60 % of the ingest's page faults.
 */
const ENCODED_CHUNK_BYTES = 2 ** 20;

/** Encoded buffers a writer keeps for reuse (more are in flight only while compression is behind). */
const SPARE_CHUNKS = 4;

const NEWLINE = 0x0a;

interface SegmentTarget {
  hour: string;
  dir: string;
  format: InputFormat;
  host: string | undefined;
  shard: ShardSpec | undefined;
}

/**
 * One segment being written: lines go through brotli into a temporary file, hashed on the way (its name
 * carries the hash of its content), and the file is made durable and renamed when finished. A run
 * killed while writing leaves only the temporary file, which no reader lists.
 */
export class SegmentWriter {
  readonly #target: SegmentTarget;
  readonly #temporary: string;
  readonly #compressor = createBrotliCompress({
    chunkSize: COMPRESSED_CHUNK_BYTES,
    params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY },
  });
  readonly #hash = createHash("sha256");
  /** Settles when the compressed bytes are all written, or with the first error. */
  readonly #written: Promise<void>;
  #failure: { error: unknown } | undefined;
  #lines = 0;
  /** The buffer lines are being encoded into, and how much of it they fill. */
  #chunk: Buffer | undefined;
  #chunkBytes = 0;
  readonly #spareChunks: Buffer[] = [];

  constructor(target: SegmentTarget) {
    this.#target = target;
    this.#temporary = join(target.dir, `.landing.${randomBytes(6).toString("hex")}.tmp`);
    this.#written = pipeline(this.#compressor, createWriteStream(this.#temporary, { flags: "wx" }));
    this.#written.catch((error: unknown) => {
      this.#failure = { error };
    });
  }

  /** Appends lines; false when the caller should wait for {@link drained} before writing more. */
  write(lines: readonly string[]): boolean {
    if (this.#failure !== undefined || lines.length === 0) return this.#failure === undefined;
    for (const line of lines) {
      // A UTF-16 code unit never takes more than three bytes of UTF-8.
      const room = line.length * 3 + 1;
      let chunk = this.#chunk;
      if (chunk === undefined || this.#chunkBytes + room > chunk.length) {
        this.#compressChunk();
        chunk =
          room > ENCODED_CHUNK_BYTES
            ? Buffer.allocUnsafeSlow(room)
            : (this.#spareChunks.pop() ?? Buffer.allocUnsafeSlow(ENCODED_CHUNK_BYTES));
        this.#chunk = chunk;
      }
      this.#chunkBytes += chunk.write(line, this.#chunkBytes);
      chunk[this.#chunkBytes++] = NEWLINE;
    }
    this.#lines += lines.length;
    return this.#compressor.writableLength < UNCOMPRESSED_AHEAD_BYTES;
  }

  /** Hands the lines encoded so far to brotli (and the hash); their buffer comes back once read. */
  #compressChunk(): void {
    const chunk = this.#chunk;
    if (chunk === undefined || this.#failure !== undefined) return;
    const encoded = chunk.subarray(0, this.#chunkBytes);
    this.#chunk = undefined;
    this.#chunkBytes = 0;
    if (encoded.length === 0) return;
    this.#hash.update(encoded);
    this.#compressor.write(encoded, () => {
      if (chunk.length === ENCODED_CHUNK_BYTES && this.#spareChunks.length < SPARE_CHUNKS)
        this.#spareChunks.push(chunk);
    });
  }

  /** Resolves once the lines written so far are compressed enough to take more; rejects if writing failed. */
  async drained(): Promise<void> {
    this.#throwIfFailed();
    if (this.#compressor.writableLength < UNCOMPRESSED_AHEAD_BYTES) return;
    // Past the stream's own limit, it says "drain" once everything written is compressed.
    await Promise.race([once(this.#compressor, "drain"), this.#written]);
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  /** Ends the segment: flushed, synced, renamed to its name in the hour's directory. */
  async finish(): Promise<RawSegment> {
    this.#compressChunk();
    this.#compressor.end();
    try {
      await this.#written;
      const file = await open(this.#temporary, "r");
      try {
        await file.sync();
      } finally {
        await file.close();
      }
    } catch (error) {
      await rm(this.#temporary, { force: true });
      throw error;
    }
    const { hour, dir, format, host, shard } = this.#target;
    const shardTag = shard === undefined ? "" : `~${shard.index}of${shard.count}`;
    const stem = `${format}~${host ?? "-"}~${this.#lines}~${this.#hash.digest("hex").slice(0, 16)}${shardTag}`;
    const segment = { hour, format, host, lines: this.#lines, shard };
    // The same lines landed gzip-compressed by an earlier version stay, and the hour's raw data with them.
    const landedAsGzip = join(dir, stem + GZIP_SUFFIX);
    const earlierBytes = (await unlessMissing(stat(landedAsGzip)))?.size;
    if (earlierBytes !== undefined) {
      await rm(this.#temporary, { force: true });
      return { ...segment, path: landedAsGzip, name: stem + GZIP_SUFFIX, bytes: earlierBytes };
    }
    const name = stem + BROTLI_SUFFIX;
    const path = join(dir, name);
    const { size } = await stat(this.#temporary);
    await rename(this.#temporary, path);
    await syncDirectory(dir);
    return { ...segment, path, name, bytes: size };
  }

  /** Gives the segment up: nothing of it stays. */
  async abort(): Promise<void> {
    this.#compressor.destroy();
    await this.#written.catch(() => undefined);
    await rm(this.#temporary, { force: true });
  }
}

/** Names alone identify the content (they carry its hash), so no file needs a stat for this. */
function fingerprintOf(segmentNames: readonly string[]): string {
  return createHash("sha256")
    .update([...segmentNames].sort().join("\n"))
    .digest("hex")
    .slice(0, 16);
}

/** Every segment when no shard is given; else only those this shard landed. */
function landedBy(match: RegExpExecArray, shard: ShardSpec | undefined): boolean {
  return shard === undefined || (Number(match[5]) === shard.index && Number(match[6]) === shard.count);
}

async function listDir(dir: string): Promise<string[]> {
  return (await unlessMissing(readdir(dir))) ?? [];
}
