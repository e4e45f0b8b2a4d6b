/**
 * The watcher's state file: how far each file of the watched directory was read, keyed by
 * `dev:inode`, and its checks on reading it back.
 */

export const STATE_VERSION = 1;

/** How far a file has been read: what committing a batch persists. */
export interface FileProgress {
  name: string;
  /** Bytes read: of the file, or of its decompressed content for a gzip file. */
  offset: number;
  /** Lines read, so that numbering resumes where it stopped. */
  lines: number;
  /** The file's size and modification time when last seen. */
  size: number;
  mtimeMs: number;
  gzip: boolean;
  /** A gzip file was read to its end at `size` bytes. */
  complete: boolean;
  /** A hash of the file's first bytes: the same inode with other first bytes is another file. */
  headBytes: number;
  headSha256: string;
}

/** The state file: committed progress by `dev:inode`. */
export interface PersistedState {
  version: number;
  dir: string;
  files: Record<string, PersistedFile>;
}

export interface PersistedFile {
  name: string;
  offset: number;
  lines: number;
  size: number;
  mtime: string;
  gzip: boolean;
  complete: boolean;
  headBytes: number;
  headSha256: string;
  goneSince?: string;
}

export function stateFromProgress(progress: FileProgress, goneSince: number | undefined): PersistedFile {
  const entry: PersistedFile = {
    name: progress.name,
    offset: progress.offset,
    lines: progress.lines,
    size: progress.size,
    mtime: new Date(progress.mtimeMs).toISOString(),
    gzip: progress.gzip,
    complete: progress.complete,
    headBytes: progress.headBytes,
    headSha256: progress.headSha256,
  };
  if (goneSince !== undefined) entry.goneSince = new Date(goneSince).toISOString();
  return entry;
}

export function progressFromState(entry: PersistedFile): FileProgress {
  return {
    name: entry.name,
    offset: entry.offset,
    lines: entry.lines,
    size: entry.size,
    mtimeMs: Date.parse(entry.mtime),
    gzip: entry.gzip,
    complete: entry.complete,
    headBytes: entry.headBytes,
    headSha256: entry.headSha256,
  };
}

const FILE_KEY = /^\d+:\d+$/;

/** The state file's content, checked field by field, or an Error that says what is wrong and what to do. */
export function parseState(text: string, path: string): PersistedState {
  const corrupt = (problem: string) =>
    new Error(
      `The watch state file "${path}" is corrupt: ${problem}. Delete it to read every file of the ` +
        "directory again from its start (lines already landed are then read twice).",
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(`not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) throw corrupt("not a JSON object");
  if (value.version !== STATE_VERSION) throw corrupt(`version ${JSON.stringify(value.version)}, expected 1`);
  if (typeof value.dir !== "string") throw corrupt(`"dir" is not a string`);
  if (!isRecord(value.files)) throw corrupt(`"files" is not an object`);
  for (const [key, entry] of Object.entries(value.files)) {
    if (!FILE_KEY.test(key)) throw corrupt(`"${key}" is not a device:inode key`);
    const problem = entryProblem(entry);
    if (problem !== undefined) throw corrupt(`the entry "${key}" ${problem}`);
  }
  return value as unknown as PersistedState;
}

function entryProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return "is not an object";
  for (const field of ["name", "headSha256"] as const) {
    if (typeof entry[field] !== "string") return `has no string "${field}"`;
  }
  for (const field of ["offset", "lines", "size", "headBytes"] as const) {
    const number = entry[field];
    if (!Number.isSafeInteger(number) || (number as number) < 0) return `has no count "${field}"`;
  }
  for (const field of ["gzip", "complete"] as const) {
    if (typeof entry[field] !== "boolean") return `has no boolean "${field}"`;
  }
  if (!isTime(entry.mtime)) return `has no time "mtime"`;
  if (entry.goneSince !== undefined && !isTime(entry.goneSince)) return `has an invalid "goneSince"`;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): boolean {
  return typeof value === "string" && !Number.isNaN(Date.parse(value));
}
