import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

/**
 * Reading and writing dump files, compressed as their names say: `.gz` with Node's zlib, `.bz2`
 * with the `bzip2` program (Node has no bzip2), anything else as plain text. Reading goes by the
 * content's magic bytes instead, so a renamed or decompressed download is read all the same.
 */

export class Bzip2MissingError extends Error {
  constructor(options?: ErrorOptions) {
    super(
      "The `bzip2` program is needed for pageview_complete files (.bz2) and was not found: install it " +
        "(Debian/Ubuntu: `apt-get install bzip2`; macOS has it).",
      options,
    );
  }
}

/** Text written to a dump file; `end` completes the file, which appears only then (atomically). */
export interface DumpWriter {
  write(text: string): Promise<void>;
  end(): Promise<void>;
  /** Abandons the file. */
  abort(): Promise<void>;
}

/** Chunks are gathered to this size before a write: millions of small writes cost more than the compression. */
const WRITE_CHUNK_CHARS = 1 << 16;

export async function openDumpWriter(path: string): Promise<DumpWriter> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const file = createWriteStream(partial);
  const { head, done } = compressorTo(path, file);
  let pending = "";
  const flush = async () => {
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    if (!head.write(chunk)) await Promise.race([once(head, "drain"), done]);
  };
  return {
    async write(text) {
      pending += text;
      if (pending.length >= WRITE_CHUNK_CHARS) await flush();
    },
    async end() {
      await flush();
      head.end();
      await done;
      await rename(partial, path);
    },
    async abort() {
      head.destroy();
      await done.catch(() => undefined);
      await rm(partial, { force: true });
    },
  };
}

/** The stream to write text to, and a promise settled once the file is complete (or failed). */
function compressorTo(path: string, file: Writable): { head: Writable; done: Promise<void> } {
  if (path.endsWith(".gz")) {
    const gzip = createGzip();
    gzip.pipe(file);
    return { head: gzip, done: Promise.all([finished(gzip), finished(file)]).then(() => undefined) };
  }
  if (path.endsWith(".bz2")) {
    const bzip2 = spawnBzip2(["-c"]);
    const stdin = bzip2.stdin as Writable;
    (bzip2.stdout as Readable).pipe(file);
    return { head: stdin, done: Promise.all([exited(bzip2), finished(file)]).then(() => undefined) };
  }
  return { head: file, done: finished(file) };
}

function spawnBzip2(args: string[]): ChildProcess {
  const child = spawn("bzip2", args, { stdio: ["pipe", "pipe", "inherit"] });
  // A write to a process that failed to start, or died, is reported through its exit (see `exited`).
  child.stdin?.on("error", () => undefined);
  return child;
}

/** Resolves when the process exits with 0; rejects with Bzip2MissingError if it could not start. */
function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new Bzip2MissingError({ cause: error }) : error),
    );
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`bzip2 failed (${signal ?? `exit code ${code}`}).`));
    });
  });
}

const GZIP_MAGIC = [0x1f, 0x8b];
const BZIP2_MAGIC = [0x42, 0x5a, 0x68]; // "BZh"

async function magicOf(path: string): Promise<Buffer> {
  const handle = await open(path);
  try {
    const buffer = Buffer.alloc(3);
    const { bytesRead } = await handle.read(buffer, 0, 3, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function startsWith(buffer: Buffer, magic: readonly number[]): boolean {
  return magic.every((byte, i) => buffer[i] === byte);
}

/**
 * The lines of a dump file, decompressed as its content says, in batches; `onBytes` is told the
 * bytes of the file read so far. A final line without `\n` counts; a trailing `\r` is dropped.
 */
export async function* readDumpLines(
  path: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<string[]> {
  const magic = await magicOf(path);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  if (onBytes !== undefined) {
    file.on("data", (chunk) => {
      bytes += chunk.length;
      onBytes(bytes);
    });
  }
  let text: Readable = file;
  let child: ChildProcess | null = null;
  if (startsWith(magic, GZIP_MAGIC)) text = file.pipe(createGunzip());
  else if (startsWith(magic, BZIP2_MAGIC)) {
    child = spawnBzip2(["-dc"]);
    file.pipe(child.stdin as Writable);
    text = child.stdout as Readable;
  }
  const exit = child === null ? Promise.resolve() : exited(child);
  exit.catch(() => undefined);
  text.setEncoding("utf8");
  let rest = "";
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() as string;
      yield trimCarriageReturns(lines);
    }
    if (rest !== "") yield trimCarriageReturns([rest]);
    await exit;
  } finally {
    file.destroy();
    if (child !== null && child.exitCode === null) child.kill();
  }
}

function trimCarriageReturns(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith("\r")) lines[i] = line.slice(0, -1);
  }
  return lines;
}
