import { createHash } from "node:crypto";
import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DirectoryWatcher, type DirectoryWatcherOptions, type WatchedLines } from "./watch-dir.ts";

const POLL_MS = 10;
const SETTLE_MS = 150;
/** A file the tests append to, to know that the watcher has polled since an earlier change. */
const MARKER = "marker";

let root: string;
let dir: string;
let stateFile: string;
const running: Follower[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "pageviews-watch-"));
  dir = join(root, "logs");
  await mkdir(dir);
  stateFile = join(root, "watch-state.json");
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((follower) => follower.stop()));
  await rm(root, { recursive: true, force: true });
});

function watcher(options: Partial<DirectoryWatcherOptions> = {}): DirectoryWatcher {
  return new DirectoryWatcher({ dir, stateFile, pollMs: POLL_MS, settleMs: SETTLE_MS, ...options });
}

/** Runs a watcher in the background and collects its batches, committing each unless told not to. */
class Follower {
  readonly batches: WatchedLines[] = [];
  private readonly done: Promise<void>;
  private markers = 0;

  constructor(
    readonly watcher: DirectoryWatcher,
    commit = true,
  ) {
    this.done = (async () => {
      for await (const batch of watcher.batches()) {
        this.batches.push(batch);
        if (commit) await watcher.commit(batch);
      }
    })();
    running.push(this);
  }

  /** Every line yielded so far but the marker's, as `file:lineNumber:text`. */
  lines(): string[] {
    return this.batches
      .filter((batch) => batch.file !== MARKER)
      .flatMap((batch) => batch.lines.map((text, i) => `${batch.file}:${batch.firstLineNumber + i}:${text}`));
  }

  linesOf(file: string): string[] {
    return this.lines().filter((line) => line.startsWith(`${file}:`));
  }

  async waitForLines(count: number): Promise<string[]> {
    await until(() => this.lines().length >= count);
    return this.lines();
  }

  /** Returns once the watcher has polled after everything written so far. */
  async sync(): Promise<void> {
    const marker = `m${++this.markers}`;
    await appendFile(join(dir, MARKER), `${marker}\n`);
    await until(() => this.batches.some((batch) => batch.file === MARKER && batch.lines.includes(marker)));
  }

  async stop(): Promise<void> {
    this.watcher.stop();
    await this.done;
  }
}

function follow(options: Partial<DirectoryWatcherOptions> = {}, commit = true): Follower {
  return new Follower(watcher(options), commit);
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the watcher");
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function numbered(count: number, prefix = "line"): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
}

async function keyOf(path: string): Promise<string> {
  const stats = await stat(path, { bigint: true });
  return `${stats.dev}:${stats.ino}`;
}

async function readState(): Promise<{ dir: string; files: Record<string, Record<string, unknown>> }> {
  return JSON.parse(await readFile(stateFile, "utf8"));
}

describe("DirectoryWatcher, plain files", () => {
  it("yields complete lines with their numbers, and a partial last line once its newline comes", async () => {
    const path = join(dir, "access.log");
    await writeFile(path, "\uFEFFfirst\nsec");
    const follower = follow();
    expect(await follower.waitForLines(1)).toEqual(["access.log:1:first"]);
    await follower.sync();
    expect(follower.lines()).toHaveLength(1);

    await appendFile(path, "ond\r\n\nfourth\n");
    expect(await follower.waitForLines(4)).toEqual([
      "access.log:1:first",
      "access.log:2:second",
      "access.log:3:",
      "access.log:4:fourth",
    ]);
  });

  it("never takes a last line without a newline, however long the file stays unchanged", async () => {
    await writeFile(join(dir, "access.log"), "done\nunfinished");
    const follower = follow();
    await follower.waitForLines(1);
    await sleep(SETTLE_MS * 2);
    await follower.sync();
    expect(follower.lines()).toEqual(["access.log:1:done"]);
  });

  it("follows several files, each in its own order", async () => {
    await writeFile(join(dir, "a.log"), "a1\n");
    await writeFile(join(dir, "b.log"), "b1\nb2\n");
    const follower = follow();
    await follower.waitForLines(3);
    await appendFile(join(dir, "b.log"), "b3\n");
    await appendFile(join(dir, "a.log"), "a2\n");
    await follower.waitForLines(5);
    expect(follower.linesOf("a.log")).toEqual(["a.log:1:a1", "a.log:2:a2"]);
    expect(follower.linesOf("b.log")).toEqual(["b.log:1:b1", "b.log:2:b2", "b.log:3:b3"]);
  });

  it("resumes from the last commit after a restart: committed lines never again, the rest once", async () => {
    const path = join(dir, "access.log");
    await writeFile(path, `${numbered(4).join("\n")}\n`);
    // Batches of one line each ("line-1\n" is 7 bytes), committed by hand.
    const first = follow({ maxBatchBytes: 8 }, false);
    await first.waitForLines(4);
    const second = first.batches[1] as WatchedLines;
    expect(second.lines).toEqual(["line-2"]);
    await first.watcher.commit(second);
    await first.stop();

    await appendFile(path, "line-5\n");
    const restarted = follow();
    expect(await restarted.waitForLines(3)).toEqual([
      "access.log:3:line-3",
      "access.log:4:line-4",
      "access.log:5:line-5",
    ]);
    await restarted.stop();

    const again = follow();
    await again.sync();
    expect(again.lines()).toEqual([]);
  });

  it("reads a renamed file on from where it was, and the new file from its start (rename rotation)", async () => {
    const live = join(dir, "access.log");
    const rotated = join(dir, "access.log.1");
    await writeFile(live, "a1\na2\n");
    const follower = follow();
    await follower.waitForLines(2);

    await appendFile(live, "a3\na4");
    await rename(live, rotated);
    await writeFile(live, "b1\n");
    // The server writes to the renamed file until it reopens its log.
    await appendFile(rotated, "\n");

    await follower.waitForLines(5);
    await follower.sync();
    // "a3" may have been read before the rename was seen; "a4" ended after it.
    const lines = follower.lines().map((line) => line.replace("access.log.1:", "access.log:"));
    expect(lines.sort()).toEqual([
      "access.log:1:a1",
      "access.log:1:b1",
      "access.log:2:a2",
      "access.log:3:a3",
      "access.log:4:a4",
    ]);
    expect(follower.linesOf("access.log.1")).toContain("access.log.1:4:a4");
    expect(follower.linesOf("access.log")).toContain("access.log:1:b1");
  });

  it("reads a file truncated in place again from its start (copytruncate rotation)", async () => {
    const path = join(dir, "access.log");
    await writeFile(path, "x1\nx2\nx3\n");
    const follower = follow();
    await follower.waitForLines(3);
    await truncate(path, 0);
    await appendFile(path, "y1\n");
    expect(await follower.waitForLines(4)).toEqual([
      "access.log:1:x1",
      "access.log:2:x2",
      "access.log:3:x3",
      "access.log:1:y1",
    ]);
  });

  it("starts a file again when its first bytes are not those recorded for its inode (a reused inode)", async () => {
    const path = join(dir, "access.log");
    await writeFile(path, "aaaa\nbbbb\n");
    const key = await keyOf(path);
    const writeStateWithHead = (headSha256: string) =>
      writeFile(
        stateFile,
        JSON.stringify({
          version: 1,
          dir,
          files: {
            [key]: {
              name: "access.log",
              offset: 5,
              lines: 1,
              size: 5,
              mtime: "2026-01-01T00:00:00.000Z",
              gzip: false,
              complete: false,
              headBytes: 5,
              headSha256,
            },
          },
        }),
      );

    await writeStateWithHead(createHash("sha256").update("aaaa\n").digest("hex"));
    const resumed = follow();
    await resumed.sync();
    await resumed.stop();
    expect(resumed.lines()).toEqual(["access.log:2:bbbb"]);

    await writeStateWithHead(createHash("sha256").update("zzzz\n").digest("hex"));
    const restarted = follow();
    await restarted.sync();
    expect(restarted.lines()).toEqual(["access.log:1:aaaa", "access.log:2:bbbb"]);
  });

  it("yields a big file in several batches of bounded size", async () => {
    const lines = numbered(2000);
    await writeFile(join(dir, "big.log"), `${lines.join("\n")}\n`);
    await writeFile(join(dir, "big.gz"), gzipSync(`${lines.join("\n")}\n`));
    const follower = follow({ maxBatchBytes: 1024 });
    await follower.waitForLines(2 * lines.length);
    for (const file of ["big.log", "big.gz"]) {
      const batches = follower.batches.filter((batch) => batch.file === file);
      expect(batches.length).toBeGreaterThan(10);
      for (const batch of batches) expect(batch.endOffset - batch.startOffset).toBeLessThanOrEqual(1024);
      expect(follower.linesOf(file)).toEqual(lines.map((line, i) => `${file}:${i + 1}:${line}`));
    }
  });

  it("gives the same lines however the reads cut the bytes", async () => {
    const text = "\uFEFFpremière ligne\r\nzweite Zeile 🚀\n\nтретья\r\n最後の行\n";
    await writeFile(join(dir, "text.log"), text);
    const expected = ["première ligne", "zweite Zeile 🚀", "", "третья", "最後の行"].map(
      (line, i) => `text.log:${i + 1}:${line}`,
    );
    for (const maxBatchBytes of [1, 2, 3, 5, 1024]) {
      const follower = follow({ maxBatchBytes, stateFile: join(root, `state-${maxBatchBytes}.json`) });
      expect(await follower.waitForLines(expected.length)).toEqual(expected);
      await follower.stop();
    }
  });

  it("reports over-long lines and invalid UTF-8 in their slot, and reads on", async () => {
    const long = "x".repeat(100);
    await writeFile(
      join(dir, "access.log"),
      Buffer.concat([
        Buffer.from(`ok\n${long}\r\n`),
        Buffer.from([0x61, 0xc3, 0x28]),
        Buffer.from("\nfine\n"),
      ]),
    );
    const follower = follow({ maxLineBytes: 16, maxBatchBytes: 8 });
    expect(await follower.waitForLines(4)).toEqual([
      "access.log:1:ok",
      "access.log:2:",
      "access.log:3:",
      "access.log:4:fine",
    ]);
    expect(follower.batches.flatMap((batch) => batch.malformed)).toEqual([
      { lineNumber: 2, reason: "line is 100 bytes, longer than the 16-byte line limit" },
      { lineNumber: 3, reason: "invalid UTF-8" },
    ]);
  });
});

describe("DirectoryWatcher, gzip files", () => {
  it("reads a gzip file whole, once, after it has stopped changing", async () => {
    const written = Date.now();
    await writeFile(join(dir, "shipped.gz"), gzipSync("g1\ng2\ng3"));
    const follower = follow();
    await follower.waitForLines(3);
    expect(Date.now() - written).toBeGreaterThanOrEqual(SETTLE_MS);
    await sleep(SETTLE_MS);
    await follower.sync();
    expect(follower.lines()).toEqual(["shipped.gz:1:g1", "shipped.gz:2:g2", "shipped.gz:3:g3"]);
    expect(follower.batches.flatMap((batch) => batch.malformed)).toEqual([]);
  });

  it("does not read a gzip file that is still being written", async () => {
    const lines = numbered(500, "shipped");
    const compressed = gzipSync(`${lines.join("\n")}\n`);
    const path = join(dir, "shipped.gz");
    const half = Math.floor(compressed.length / 2);
    await writeFile(path, compressed.subarray(0, half));
    const follower = follow({ settleMs: 1000 });
    await sleep(100);
    await follower.sync();
    expect(follower.lines()).toEqual([]);

    await appendFile(path, compressed.subarray(half));
    await follower.waitForLines(lines.length);
    expect(follower.lines()).toEqual(lines.map((line, i) => `shipped.gz:${i + 1}:${line}`));
    expect(follower.batches.flatMap((batch) => batch.malformed)).toEqual([]);
  });

  it("reads only what was appended to a gzip file read before (a new gzip member)", async () => {
    const path = join(dir, "shipped.gz");
    await writeFile(path, gzipSync("m1\nm2\n"));
    const follower = follow();
    await follower.waitForLines(2);
    await appendFile(path, gzipSync("m3\n"));
    await follower.waitForLines(3);
    await sleep(SETTLE_MS);
    await follower.sync();
    expect(follower.lines()).toEqual(["shipped.gz:1:m1", "shipped.gz:2:m2", "shipped.gz:3:m3"]);
  });

  it("reports a gzip file that breaks off, after the lines before the break", async () => {
    const lines = numbered(5000, "cut");
    const compressed = gzipSync(`${lines.join("\n")}\n`);
    await writeFile(join(dir, "cut.gz"), compressed.subarray(0, compressed.length - 100));
    const follower = follow();
    await until(() => follower.batches.some((batch) => batch.malformed.length > 0));
    const read = follower.lines();
    expect(read).toEqual(lines.slice(0, read.length).map((line, i) => `cut.gz:${i + 1}:${line}`));
    expect(follower.batches.flatMap((batch) => batch.malformed)).toEqual([
      {
        lineNumber: read.length + 1,
        reason: "gzip stream is truncated (unexpected end of file); the input ends here",
      },
    ]);
  });

  it("resumes a gzip file from the last commit after a restart", async () => {
    const lines = numbered(300, "gz");
    await writeFile(join(dir, "shipped.gz"), gzipSync(`${lines.join("\n")}\n`));
    const first = follow({ maxBatchBytes: 256 }, false);
    await first.waitForLines(lines.length);
    expect(first.batches.length).toBeGreaterThan(3);
    const committed = first.batches[2] as WatchedLines;
    await first.watcher.commit(committed);
    await first.stop();

    const resumedFrom = committed.firstLineNumber + committed.lines.length;
    const restarted = follow();
    await restarted.waitForLines(lines.length - resumedFrom + 1);
    await sleep(SETTLE_MS);
    await restarted.sync();
    expect(restarted.lines()).toEqual(
      lines.slice(resumedFrom - 1).map((line, i) => `shipped.gz:${resumedFrom + i}:${line}`),
    );
  });
});

describe("DirectoryWatcher, which files", () => {
  it("follows included files that are not excluded, and a followed file under any new name", async () => {
    await writeFile(join(dir, "a.log"), "a1\n");
    await writeFile(join(dir, "a.log.2.gz"), gzipSync("old\n"));
    await writeFile(join(dir, "notes.txt"), "not a log\n");
    const follower = follow({ include: ["*.log*", MARKER], exclude: ["*.gz"] });
    await follower.waitForLines(1);
    await follower.sync();

    await rename(join(dir, "a.log"), join(dir, "a.old"));
    await appendFile(join(dir, "a.old"), "a2\n");
    await writeFile(join(dir, "b.old"), "b1\n");
    await sleep(SETTLE_MS);
    await follower.sync();
    expect(follower.lines()).toEqual(["a.log:1:a1", "a.old:2:a2"]);
  });

  it("finds a followed file renamed onto the name of a file it does not follow", async () => {
    await writeFile(join(dir, "access.log.1"), "rotated before the watcher started\n");
    await writeFile(join(dir, "access.log"), "a1\n");
    const follower = follow({ include: ["access.log", MARKER] });
    await follower.waitForLines(1);
    await follower.sync();

    await rename(join(dir, "access.log.1"), join(dir, "access.log.2"));
    await rename(join(dir, "access.log"), join(dir, "access.log.1"));
    await appendFile(join(dir, "access.log.1"), "a2\n");
    await follower.waitForLines(2);
    await follower.sync();
    expect(follower.lines()).toEqual(["access.log:1:a1", "access.log.1:2:a2"]);
  });

  it("leaves out its state file when it is kept in the watched directory", async () => {
    await writeFile(join(dir, "access.log"), "a1\n");
    const follower = follow({ stateFile: join(dir, "watch-state.json") });
    await follower.waitForLines(1);
    await appendFile(join(dir, "access.log"), "a2\n");
    await follower.waitForLines(2);
    await follower.sync();
    await follower.sync();
    expect(follower.lines()).toEqual(["access.log:1:a1", "access.log:2:a2"]);
  });
});

describe("DirectoryWatcher, state file", () => {
  it("keeps each file's name, offset, size and mtime by device and inode", async () => {
    const path = join(dir, "access.log");
    await writeFile(path, "a1\na2\n");
    const follower = follow();
    await follower.waitForLines(2);
    await follower.stop();
    const state = await readState();
    expect(state.dir).toBe(dir);
    expect(state.files[await keyOf(path)]).toMatchObject({
      name: "access.log",
      offset: 6,
      lines: 2,
      size: 6,
      mtime: new Date(Number((await stat(path, { bigint: true })).mtimeMs)).toISOString(),
      gzip: false,
    });
  });

  it("drops files gone for more than a day, and marks files just gone", async () => {
    const gone = (since?: string) => ({
      name: "old.log",
      offset: 10,
      lines: 1,
      size: 10,
      mtime: "2026-01-01T00:00:00.000Z",
      gzip: false,
      complete: false,
      headBytes: 10,
      headSha256: "0".repeat(64),
      ...(since === undefined ? {} : { goneSince: since }),
    });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000).toISOString();
    await writeFile(
      stateFile,
      JSON.stringify({ version: 1, dir, files: { "1:1": gone(twoDaysAgo), "1:2": gone() } }),
    );
    await writeFile(join(dir, "access.log"), "a1\n");
    const follower = follow();
    await follower.waitForLines(1);
    await follower.stop();

    const { files } = await readState();
    expect(Object.keys(files).sort()).toEqual([await keyOf(join(dir, "access.log")), "1:2"].sort());
    expect(Date.parse(files["1:2"]?.goneSince as string)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuses a corrupt state file with a message that says what to do", async () => {
    await writeFile(stateFile, "{not json");
    await expect(watcher().batches().next()).rejects.toThrow(
      `The watch state file "${stateFile}" is corrupt: not valid JSON`,
    );

    await writeFile(stateFile, JSON.stringify({ version: 1, dir, files: { "1:2": { name: "a.log" } } }));
    await expect(watcher().batches().next()).rejects.toThrow(
      /is corrupt: the entry "1:2" has no string "headSha256"\. Delete it to read every file/,
    );
  });

  it("refuses a state file kept for another directory", async () => {
    await writeFile(stateFile, JSON.stringify({ version: 1, dir: "/elsewhere", files: {} }));
    await expect(watcher().batches().next()).rejects.toThrow(
      `is for the directory "/elsewhere", not "${dir}"`,
    );
  });

  it("refuses to commit a batch it did not yield", async () => {
    const batch: WatchedLines = {
      file: "a.log",
      lines: ["x"],
      firstLineNumber: 1,
      malformed: [],
      startOffset: 0,
      endOffset: 2,
    };
    await expect(watcher().commit(batch)).rejects.toThrow("did not yield");
  });
});
