import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { type FileHandle, mkdir, open, readdir, readFile, rename, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { unlessMissing } from "../missing-file.ts";
import { syncDirectory } from "../store/durable-fs.ts";
import { decompressIfGzip } from "./gzip.ts";
import { DEFAULT_MAX_LINE_BYTES } from "./lines.ts";
import { LineBatcher } from "./watch-lines.ts";
import {
  type FileProgress,
  type PersistedFile,
  type PersistedState,
  parseState,
  progressFromState,
  STATE_VERSION,
  stateFromProgress,
} from "./watch-state.ts";

/** A line that cannot be used, reported as the file reader (lines.ts) reports it. */
export interface MalformedLine {
  lineNumber: number;
  reason: string;
}

/** New complete lines of one file of the watched directory. */
export interface WatchedLines {
  /** The file's name in the watched directory when the lines were read. */
  file: string;
  /**
   * Complete lines, without "\n" (a trailing "\r" stripped). An empty line, and a line reported in
   * `malformed`, is "" here, so that `lines[i]` is always line `firstLineNumber + i`.
   */
  lines: string[];
  /** 1-based line number in that file of lines[0]. */
  firstLineNumber: number;
  /**
   * Lines over the line limit or not valid UTF-8, and a gzip stream that breaks off (reported on the
   * line it breaks off in, which has no slot in `lines`).
   */
  malformed: MalformedLine[];
  /** The bytes the lines came from: of the file, or of its decompressed content for a gzip file. */
  startOffset: number;
  endOffset: number;
}

export interface DirectoryWatcherOptions {
  /** The directory to watch; its subdirectories are not. */
  dir: string;
  /** Where read offsets are kept (JSON, replaced atomically). One state file per watched directory. */
  stateFile: string;
  /** How often the directory is listed and its files checked. Default 1000. */
  pollMs?: number;
  /** How long a gzip file must stay unchanged before it is read. Default 5000. */
  settleMs?: number;
  /** Most bytes of lines in a batch, unless one line alone is longer. Default 8 MiB. */
  maxBatchBytes?: number;
  /** Longest accepted line in bytes; longer lines are reported, not held. Default 1 MiB, as for files. */
  maxLineBytes?: number;
  /** Names of files to follow: `*` stands for any characters, `?` for one. Default `["*"]`. */
  include?: readonly string[];
  /** Names of files not to follow, even if included. Default none. */
  exclude?: readonly string[];
}

const DEFAULT_POLL_MS = 1000;
const DEFAULT_SETTLE_MS = 5000;
const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** A file missing for longer than this is forgotten. */
const FORGET_GONE_AFTER_MS = 24 * 60 * 60 * 1000;
/** How much of the start of a file is hashed to tell it from another file on the same inode. */
const HEAD_BYTES = 1024;
const COMPRESSED_READ_BYTES = 256 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Follows the files of a directory (rotated nginx logs, `.gz` files dropped by a shipper) and yields
 * each of their lines once, also across restarts: how far each file was read is kept in a state file
 * when the caller commits what it has landed.
 *
 * - Files are told apart by device and inode, so a renamed file (`access.log` → `access.log.1`) is
 *   read on from where it was, under its new name, and a new `access.log` from its start. A file
 *   that shrinks (truncated in place, as copytruncate does), or whose first bytes change (a new file
 *   on a reused inode), is read again from its start.
 * - Plain files are read up to their last newline: a last line without one waits for it, however
 *   long (log writers end their lines).
 * - A gzip file (recognised by its content) is read once it has not changed for `settleMs`, to its
 *   end; if it grows later (an appended member), what was added is read.
 * - The directory is polled (`readdir` and `stat` every `pollMs`) rather than watched with fs.watch:
 *   portable, and it works on network filesystems.
 */
export class DirectoryWatcher {
  private readonly dir: string;
  private readonly stateFile: string;
  private readonly pollMs: number;
  private readonly settleMs: number;
  private readonly maxBatchBytes: number;
  private readonly maxLineBytes: number;
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];
  /** The state file and its temporary file, when they are in the watched directory. */
  private readonly ignored = new Set<string>();

  /** Files followed, by `dev:inode`: what has been yielded of each. */
  private readonly followed = new Map<string, FollowedFile>();
  /** What the caller has committed of each file: what the state file holds. */
  private readonly committed = new Map<string, FileProgress>();
  /** Progress of yielded batches not yet committed, in the order they were yielded. */
  private readonly uncommitted: { sequence: number; key: string; progress: FileProgress }[] = [];
  private readonly sequenceOf = new WeakMap<WatchedLines, number>();
  private sequence = 0;
  /** Names seen in the last listing: a name that is new there may be a followed file renamed. */
  private listed = new Set<string>();
  private lastWrite: Promise<void> = Promise.resolve();
  private iterating = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(options: DirectoryWatcherOptions) {
    this.dir = resolve(options.dir);
    this.stateFile = resolve(options.stateFile);
    this.pollMs = checkedNumber("pollMs", options.pollMs ?? DEFAULT_POLL_MS, 0);
    this.settleMs = checkedNumber("settleMs", options.settleMs ?? DEFAULT_SETTLE_MS, 0);
    this.maxBatchBytes = checkedNumber("maxBatchBytes", options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES, 1);
    this.maxLineBytes = checkedNumber("maxLineBytes", options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, 1);
    this.include = (options.include ?? ["*"]).map(namePattern);
    this.exclude = (options.exclude ?? []).map(namePattern);
    if (dirname(this.stateFile) === this.dir) {
      this.ignored.add(basename(this.stateFile));
      this.ignored.add(basename(temporaryPathOf(this.stateFile)));
    }
  }

  /**
   * Yields batches of new complete lines, a file's in order, until `stop()`; resumes from the
   * committed offsets. Rejects if the state file is unreadable or corrupt, or the directory cannot
   * be listed. Can be iterated once.
   */
  async *batches(): AsyncGenerator<WatchedLines> {
    if (this.iterating) throw new Error("DirectoryWatcher.batches() can only be iterated once");
    this.iterating = true;
    await this.loadState();
    while (!this.stopped) {
      const now = Date.now();
      for (const file of await this.poll(now)) {
        for await (const batch of this.read(file, now)) {
          yield batch;
          if (this.stopped) return;
        }
        if (this.stopped) return;
      }
      await this.pause(this.pollMs);
    }
  }

  /**
   * Records, durably, that everything yielded up to and including `batch` is consumed: call it once
   * the lines are landed. Lines yielded but not committed are yielded again after a restart.
   */
  async commit(batch: WatchedLines): Promise<void> {
    const sequence = this.sequenceOf.get(batch);
    if (sequence === undefined) throw new Error("commit() was given a batch this watcher did not yield");
    let changed = false;
    for (let next = this.uncommitted[0]; next && next.sequence <= sequence; next = this.uncommitted[0]) {
      this.committed.set(next.key, next.progress);
      this.uncommitted.shift();
      changed = true;
    }
    if (changed) await this.persist();
  }

  /** Ends `batches()` after the batch being read, or at once if it is waiting for the next poll. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Lists the directory, updates what is known of each file, and returns the files with unread data. */
  private async poll(now: number): Promise<FollowedFile[]> {
    const names = await this.listDirectory();
    const followedNames = new Set([...this.followed.values()].map((file) => file.name));
    const seen = new Set<string>();
    const passedOver: string[] = [];
    for (const name of names) {
      if (this.ignored.has(name)) continue;
      const selected = this.selects(name);
      // A name neither selected, followed, nor new since the last listing is not looked at, unless a
      // followed file is missing below (renamed onto a name that was there before, as rotation does).
      if (!selected && !followedNames.has(name) && this.listed.has(name)) passedOver.push(name);
      else await this.look(name, selected, seen, now);
    }
    if ([...this.followed.values()].some((file) => file.goneSince === undefined && !seen.has(file.key))) {
      for (const name of passedOver) await this.look(name, false, seen, now);
    }
    this.listed = new Set(names);
    for (const [key, file] of this.followed) {
      if (seen.has(key)) continue;
      file.goneSince ??= now;
      if (now - file.goneSince > FORGET_GONE_AFTER_MS) this.followed.delete(key);
    }
    return [...this.followed.values()]
      .filter((file) => seen.has(file.key) && this.hasUnread(file, now))
      .sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Takes in a directory entry: a file already followed is followed on under any name (access.log.1
   * when only access.log is included); a new file only if its name is selected.
   */
  private async look(name: string, selected: boolean, seen: Set<string>, now: number): Promise<void> {
    const stats = await statIfExists(join(this.dir, name));
    if (stats === undefined || !stats.isFile()) return;
    const key = keyOf(stats);
    let file = this.followed.get(key);
    if (file === undefined) {
      if (!selected) return;
      file = newFollowedFile(key, name, now);
      this.followed.set(key, file);
    }
    seen.add(key);
    file.name = name;
    file.goneSince = undefined;
    observe(file, Number(stats.size), Number(stats.mtimeMs), now);
  }

  private async listDirectory(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (error) {
      throw new Error(`Cannot watch the directory "${this.dir}": ${describeError(error)}`, { cause: error });
    }
  }

  private selects(name: string): boolean {
    return this.include.some((pattern) => pattern.test(name)) && !this.exclude.some((p) => p.test(name));
  }

  private hasUnread(file: FollowedFile, now: number): boolean {
    switch (file.kind) {
      case undefined:
        // Two bytes tell gzip from plain text; a plain file with fewer holds no complete line yet.
        return file.size >= GZIP_MAGIC.length;
      case "plain":
        return file.size > (file.batcher?.readPosition ?? file.offset);
      case "gzip":
        return file.size !== file.readThrough && now - file.changedAt >= this.settleMs;
    }
  }

  private async *read(file: FollowedFile, now: number): AsyncGenerator<WatchedLines> {
    const handle = await openIfExists(join(this.dir, file.name));
    if (handle === undefined) return;
    try {
      const stats = await handle.stat({ bigint: true });
      // Renamed or replaced since the listing: the next poll sees it as it is now.
      if (keyOf(stats) !== file.key) return;
      const size = Number(stats.size);
      // Shrunk since the listing: the next poll starts it again.
      if (size < file.size) return;
      const head = await readHead(handle, Math.min(size, HEAD_BYTES));
      if (file.headBytes > 0 && sha256(head.subarray(0, file.headBytes)) !== file.headSha256) {
        restart(file);
      }
      file.headBytes = head.length;
      file.headSha256 = sha256(head);
      file.kind ??= head.length < GZIP_MAGIC.length ? undefined : isGzip(head) ? "gzip" : "plain";
      if (file.kind === "plain") yield* this.readPlain(file, handle);
      else if (file.kind === "gzip" && now - file.changedAt >= this.settleMs) {
        yield* this.readGzip(file, handle);
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * Reads a plain file from where it was left up to its size at the listing, a chunk per batch. Bytes
   * added since wait for the next poll, so that one busy file does not hold up the others, and a
   * renamed file's batches carry its new name soon.
   */
  private async *readPlain(file: FollowedFile, handle: FileHandle): AsyncGenerator<WatchedLines> {
    file.batcher ??= new LineBatcher(file.offset, file.lines, this.maxLineBytes);
    const lines = file.batcher;
    for (let position = lines.readPosition; position < file.size; position = lines.readPosition) {
      // Room for the batch to stay within maxBatchBytes, unless one line alone is longer.
      const room = this.maxBatchBytes - lines.carriedBytes;
      const chunk = Buffer.allocUnsafe(Math.min(file.size - position, room > 0 ? room : this.maxBatchBytes));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      // Truncated while being read: the next poll starts it again.
      if (bytesRead === 0) return;
      lines.push(chunk.subarray(0, bytesRead));
      const batch = lines.take(file.name);
      if (batch !== undefined) yield this.emit(file, batch);
    }
  }

  /**
   * Reads a gzip file to its end, skipping the decompressed bytes already read. A full batch is
   * yielded only once more data is known to follow, so that the last batch records that the file
   * was read through.
   */
  private async *readGzip(file: FollowedFile, handle: FileHandle): AsyncGenerator<WatchedLines> {
    const lines = new LineBatcher(file.offset, file.lines, this.maxLineBytes);
    let skip = file.offset;
    const compressed = handle.createReadStream({
      start: 0,
      autoClose: false,
      highWaterMark: COMPRESSED_READ_BYTES,
    });
    try {
      for await (const chunk of decompressIfGzip(compressed)) {
        if (skip >= chunk.length) {
          skip -= chunk.length;
          continue;
        }
        const bytes = toBuffer(chunk).subarray(skip);
        skip = 0;
        let start = 0;
        while (start < bytes.length) {
          let room = this.maxBatchBytes - lines.batchBytes - lines.carriedBytes;
          if (room <= 0) {
            const batch = lines.take(file.name);
            if (batch !== undefined) {
              yield this.emit(file, batch);
              continue;
            }
            // Nothing to take: one line alone is longer than a batch.
            room = this.maxBatchBytes;
          }
          lines.push(bytes.subarray(start, start + room));
          start += room;
        }
      }
      lines.finish();
    } catch (error) {
      lines.fail(describeError(error));
    } finally {
      compressed.destroy();
    }
    // At least the size seen at the listing was read; if it grew since, the next poll sees a change.
    file.readThrough = file.size;
    const last = lines.take(file.name);
    if (last !== undefined) yield this.emit(file, last);
  }

  /** Advances the file past `batch` and remembers what committing the batch will persist. */
  private emit(file: FollowedFile, batch: WatchedLines): WatchedLines {
    file.offset = batch.endOffset;
    file.lines = batch.firstLineNumber + batch.lines.length - 1;
    const sequence = ++this.sequence;
    this.sequenceOf.set(batch, sequence);
    this.uncommitted.push({ sequence, key: file.key, progress: progressOf(file) });
    return batch;
  }

  private async loadState(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.stateFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`Cannot read the watch state file "${this.stateFile}": ${describeError(error)}`, {
        cause: error,
      });
    }
    const state = parseState(text, this.stateFile);
    if (state.dir !== this.dir) {
      throw new Error(
        `The watch state file "${this.stateFile}" is for the directory "${state.dir}", not "${this.dir}": ` +
          "use one state file per watched directory",
      );
    }
    const now = Date.now();
    for (const [key, entry] of Object.entries(state.files)) {
      const progress = progressFromState(entry);
      this.committed.set(key, progress);
      this.followed.set(key, followedFromProgress(key, progress, entry.goneSince, now));
    }
  }

  /** Writes the committed offsets; writes run one at a time, each with the latest offsets. */
  private persist(): Promise<void> {
    const write = this.lastWrite.then(() => this.writeState());
    this.lastWrite = write.catch(() => undefined);
    return write;
  }

  private async writeState(): Promise<void> {
    const files: Record<string, PersistedFile> = {};
    for (const [key, progress] of this.committed) {
      const file = this.followed.get(key);
      if (file === undefined) {
        // Gone for more than a day.
        this.committed.delete(key);
        continue;
      }
      files[key] = stateFromProgress({ ...progress, name: file.name }, file.goneSince);
    }
    const state: PersistedState = { version: STATE_VERSION, dir: this.dir, files };
    const directory = dirname(this.stateFile);
    const temporary = temporaryPathOf(this.stateFile);
    await mkdir(directory, { recursive: true });
    const handle = await open(temporary, "w");
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.stateFile);
    await syncDirectory(directory);
  }
}

/** A file being followed: how far it has been yielded, and what was last seen of it. */
interface FollowedFile {
  key: string;
  name: string;
  /** Unknown until the file has the two bytes that tell gzip from plain text. */
  kind: "plain" | "gzip" | undefined;
  offset: number;
  lines: number;
  size: number;
  mtimeMs: number;
  /** When the size or modification time last changed: a gzip file is read once this is settleMs old. */
  changedAt: number;
  /** The size at which a gzip file was read to its end; -1 if it has not been. */
  readThrough: number;
  headBytes: number;
  headSha256: string;
  /** The line cutter of a plain file, holding its unfinished last line between polls. */
  batcher: LineBatcher | undefined;
  goneSince: number | undefined;
}

function newFollowedFile(key: string, name: string, now: number): FollowedFile {
  return {
    key,
    name,
    kind: undefined,
    offset: 0,
    lines: 0,
    size: 0,
    mtimeMs: 0,
    changedAt: now,
    readThrough: -1,
    headBytes: 0,
    headSha256: "",
    batcher: undefined,
    goneSince: undefined,
  };
}

function followedFromProgress(
  key: string,
  progress: FileProgress,
  goneSince: string | undefined,
  now: number,
): FollowedFile {
  return {
    ...newFollowedFile(key, progress.name, now),
    kind: progress.gzip ? "gzip" : "plain",
    offset: progress.offset,
    lines: progress.lines,
    size: progress.size,
    mtimeMs: progress.mtimeMs,
    readThrough: progress.complete ? progress.size : -1,
    headBytes: progress.headBytes,
    headSha256: progress.headSha256,
    goneSince: goneSince === undefined ? undefined : Date.parse(goneSince),
  };
}

function progressOf(file: FollowedFile): FileProgress {
  return {
    name: file.name,
    offset: file.offset,
    lines: file.lines,
    size: file.size,
    mtimeMs: file.mtimeMs,
    gzip: file.kind === "gzip",
    complete: file.kind === "gzip" && file.readThrough === file.size,
    headBytes: file.headBytes,
    headSha256: file.headSha256,
  };
}

/** Takes in what a poll saw of a file. */
function observe(file: FollowedFile, size: number, mtimeMs: number, now: number): void {
  // Truncated in place (copytruncate), or another file on a reused inode.
  if (size < file.size) restart(file);
  if (size !== file.size || mtimeMs !== file.mtimeMs) file.changedAt = now;
  file.size = size;
  file.mtimeMs = mtimeMs;
}

/** Reads the file again from its start. */
function restart(file: FollowedFile): void {
  file.kind = undefined;
  file.offset = 0;
  file.lines = 0;
  file.readThrough = -1;
  file.headBytes = 0;
  file.headSha256 = "";
  file.batcher = undefined;
}

/** A glob-like file name pattern: `*` any characters, `?` one; the rest literally. */
function namePattern(pattern: string): RegExp {
  if (pattern.includes("/")) throw new Error(`A watch pattern matches file names, not paths: "${pattern}"`);
  const source = [...pattern]
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[\\^$.*+?()[\]{}|]/, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "su");
}

function checkedNumber(name: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new Error(`${name} must be an integer of at least ${minimum}, got ${value}`);
  }
  return value;
}

function temporaryPathOf(stateFile: string): string {
  return `${stateFile}.tmp`;
}

/** Device and inode, exact (inode numbers can exceed 2^53). */
function keyOf(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}`;
}

function statIfExists(path: string): Promise<BigIntStats | undefined> {
  return unlessMissing(stat(path, { bigint: true }));
}

function openIfExists(path: string): Promise<FileHandle | undefined> {
  return unlessMissing(open(path, "r"));
}

async function readHead(handle: FileHandle, length: number): Promise<Buffer> {
  const head = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(head, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return head.subarray(0, filled);
}

function isGzip(head: Buffer): boolean {
  return GZIP_MAGIC.every((byte, index) => head[index] === byte);
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
