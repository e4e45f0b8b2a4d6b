import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const pageviewsBin = fileURLToPath(new URL("../../bin/pageviews", import.meta.url));

/** Runs `pageviews …` to completion. */
export function runPageviews(args: readonly string[], input?: string | Buffer): SpawnSyncReturns<string> {
  return spawnSync(pageviewsBin, args, { input, encoding: "utf8", maxBuffer: 1 << 28 });
}

/** Starts `pageviews …` in the background. */
export function startPageviews(args: readonly string[]) {
  return spawn(pageviewsBin, args, { stdio: ["pipe", "pipe", "pipe"] });
}
