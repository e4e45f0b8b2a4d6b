import { createHash, type Hash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { createGzip, gunzip } from "node:zlib";
import type { InputFormat } from "../sources/index.ts";
import { syncDirectory } from "./durable-fs.ts";
import type { ShardSpec } from "./store.ts";

const gunzipAsync = promisify(gunzip);

/**
 * One file of raw lines, as received, for one UTC hour. Its name says how to read it again
 * (format and, for combined logs, the host given with --host), how many lines it holds, a hash
 * of its content and, when a shard worker landed it, the shard:
 * `<format>~<host or ->~<lines>~<hash>[~<i>of<N>].gz`.
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
  /^(webrequest|combined|vhost_combined)~([^~]+)~(\d+)~([0-9a-f]{16})(?:~(\d+)of(\d+))?\.gz$/;
const HOUR_DIR = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The raw landing zone: the only place where IPs, user agents, paths and queries are kept, so that
 * hours can be re-processed (late data, a new definition version). Partitioned by UTC hour
 * (`raw/YYYY-MM-DD/HH/`), gzip-compressed, written atomically (temporary file, fsync, rename), so a
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
    const dir = this.hourDir(hour);
    await mkdir(dir, { recursive: true });
    const temporary = join(dir, `.landing.${randomBytes(6).toString("hex")}.tmp`);
    const hash = createHash("sha256");
    try {
      await pipeline(
        contentChunks(lines, hash),
        createGzip({ level: 1 }),
        createWriteStream(temporary, { flags: "wx" }),
      );
      const file = await open(temporary, "r");
      try {
        await file.sync();
      } finally {
        await file.close();
      }
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    const shardTag = shard === undefined ? "" : `~${shard.index}of${shard.count}`;
    const name = `${format}~${host ?? "-"}~${lines.length}~${hash.digest("hex").slice(0, 16)}${shardTag}.gz`;
    const path = join(dir, name);
    const { size } = await stat(temporary);
    await rename(temporary, path);
    await syncDirectory(dir);
    return { hour, path, name, format, host, lines: lines.length, bytes: size, shard };
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
    // Names alone identify the content (they carry its hash), so no file needs a stat here.
    const names = (await listDir(this.hourDir(hour)))
      .filter((name) => {
        const match = SEGMENT_NAME.exec(name);
        return match !== null && landedBy(match, shard);
      })
      .sort();
    return createHash("sha256").update(names.join("\n")).digest("hex").slice(0, 16);
  }

  async readLines(segment: RawSegment): Promise<string[]> {
    const text = (await gunzipAsync(await readFile(segment.path))).toString("utf8");
    const lines = text.split("\n");
    lines.pop();
    return lines;
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

const CHUNK_CHARS = 2 ** 20;

/** The segment's content, each line followed by a newline, in chunks of about a megabyte; hashed on the way. */
function* contentChunks(lines: readonly string[], hash: Hash): Generator<Buffer> {
  let batch: string[] = [];
  let chars = 0;
  for (const line of lines) {
    batch.push(line);
    chars += line.length + 1;
    if (chars >= CHUNK_CHARS) {
      yield hashed(batch, hash);
      batch = [];
      chars = 0;
    }
  }
  if (batch.length > 0) yield hashed(batch, hash);
}

function hashed(batch: readonly string[], hash: Hash): Buffer {
  const chunk = Buffer.from(`${batch.join("\n")}\n`);
  hash.update(chunk);
  return chunk;
}

/** Every segment when no shard is given; else only those this shard landed. */
function landedBy(match: RegExpExecArray, shard: ShardSpec | undefined): boolean {
  return shard === undefined || (Number(match[5]) === shard.index && Number(match[6]) === shard.count);
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
