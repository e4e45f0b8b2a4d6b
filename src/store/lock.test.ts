import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "./lock.ts";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "pageviews-lock-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("lockDataDir", () => {
  it("lets one writer in and refuses a second with a clear error", async () => {
    // The lock belongs to a process, so the second taker must be another (live) pid.
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"]);
    try {
      writeFileSync(join(dataDir, "write.lock"), `${other.pid}\n`);
      const error = await lockDataDir(dataDir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(`pid ${other.pid}`);
      expect((error as Error).message).toContain(dataDir);
    } finally {
      other.kill();
    }
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.on("exit", resolve));
    writeFileSync(join(dataDir, "write.lock"), `${gone.pid}\n`);
    const lock = await lockDataDir(dataDir);
    await lock.release();
    expect(existsSync(join(dataDir, "write.lock"))).toBe(false);
  });

  it("waits for the owner when asked to", async () => {
    const owner = spawn(process.execPath, ["-e", "setTimeout(() => {}, 700)"]);
    writeFileSync(join(dataDir, "write.lock"), `${owner.pid}\n`);
    const started = Date.now();
    const lock = await lockDataDir(dataDir, { wait: true });
    expect(Date.now() - started).toBeGreaterThan(300);
    await lock.release();
  });
});
