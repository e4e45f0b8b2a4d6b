import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Held while a process writes to a data directory: one writer at a time. */
export interface DataDirLock {
  release(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another pageviews process (pid ${pid}) is writing to ${dataDir}. ` +
        "Wait for it to finish (or pass --wait), or stop it.",
    );
  }
}

const LOCK_FILE = "write.lock";
const POLL_MS = 500;

/**
 * Takes the data directory's write lock, a file holding the owner's pid. A lock left by a process
 * that no longer runs (killed, crashed) is taken over. With `wait`, polls until the owner is done.
 */
export async function lockDataDir(dataDir: string, options: { wait?: boolean } = {}): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      const file = await open(path, "wx");
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (!Number.isInteger(owner) || !isRunning(owner)) {
      await rm(path, { force: true });
      continue;
    }
    if (!options.wait) throw new DataDirLockedError(dataDir, owner);
    await sleep(POLL_MS);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
