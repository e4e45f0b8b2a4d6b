import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import type { RawRequest } from "../../src/definition/types.ts";
import { loadRefineDependencies } from "../../src/refine/dependencies.ts";
import { createRefiner } from "../../src/refine/refine.ts";
import { startPageviews } from "./pageviews-cli.ts";

/** `pageviews serve` as a child process, for end-to-end tests. */
export interface ServeProcess {
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Views of an hour, all projects and agents, once the API shows it (processing is asynchronous). */
  hourViews(hour: string): Promise<number>;
}

/** Starts `pageviews serve …args` and resolves once it listens. */
export async function startServe(args: readonly string[]): Promise<ServeProcess> {
  const child = startPageviews(["serve", ...args]);
  let stderr = "";
  const base = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr }).on("line", (line) => {
      stderr += `${line}\n`;
      const match = /Pageview API: (http:\/\/[^/]+)\//.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${stderr}`)));
  });
  return {
    base,
    stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill(signal);
      return exited;
    },
    async hourViews(hour) {
      const url = `${base}/api/rest_v1/metrics/pageviews/aggregate/all-projects/all-access/all-agents/hourly/${hour}/${hour}`;
      for (let attempt = 0; attempt < 120; attempt++) {
        const response = await fetch(url);
        if (response.status === 200) {
          return ((await response.json()) as { items: { views: number }[] }).items[0]?.views ?? 0;
        }
        await sleep(250);
      }
      throw new Error(`hour ${hour} never appeared`);
    },
  };
}

const { refine } = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });

/** How many of these requests are pageviews, by refining each: what a serve must end up counting. */
export function pageviewsAmong(requests: readonly RawRequest[]): number {
  return requests.filter((request) => {
    const { record } = refine(request);
    return record.is_pageview && record.project !== null;
  }).length;
}
