import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { hourOf } from "../hours.ts";
import { formatWebrequest } from "./format.ts";
import { generateRequests } from "./model.ts";

/**
 * Generated traffic in real time, for the demo: each request is appended to a log file of its hour
 * (`traffic-YYYYMMDDHH.json`, webrequest lines) in `dir` once the clock reaches its time, about once
 * a second, as a web server's log grows. Runs until `signal` aborts.
 */
export async function writeLiveTraffic(options: {
  dir: string;
  seed: number;
  /** Average requests per second, following the generator's daily curve. */
  rate: number;
  signal: AbortSignal;
}): Promise<void> {
  await mkdir(options.dir, { recursive: true });
  const startMs = Math.floor(Date.now() / 1000) * 1000;
  // A day at a time: the generator plans its window up front.
  for (let day = 0; !options.signal.aborted; day++) {
    const start = new Date(startMs + day * 86_400_000);
    const requests = generateRequests({ seed: options.seed + day, start, hours: 24, rate: options.rate });
    let pending: string[] = [];
    let pendingHour = "";
    const write = async () => {
      if (pending.length === 0) return;
      await appendFile(join(options.dir, `traffic-${pendingHour}.json`), `${pending.join("\n")}\n`);
      pending = [];
    };
    for (const request of requests) {
      const hour = hourOf(request.dt);
      if (hour !== pendingHour) {
        await write();
        pendingHour = hour;
      }
      const due = Date.parse(request.dt);
      while (due > Date.now()) {
        // Lines written so far go out before waiting, so the log grows about once a second.
        await write();
        await sleep(Math.min(due - Date.now(), 1_000), undefined, { signal: options.signal }).catch(
          () => undefined,
        );
        if (options.signal.aborted) return;
      }
      pending.push(formatWebrequest(request));
    }
    await write();
  }
}
