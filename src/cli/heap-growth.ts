import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the JavaScript heap grow past what was live at its last full collection before it
 * collects again, in percent. An ingest drops each hour's working maps (seen lines, rows, actors) at
 * once when the hour is stored; V8's own factor (up to 4x, higher the faster the program allocates)
 * lets that garbage pile up (peak RSS 884 MiB on the 2 M-line bench), while 20 % made V8 collect 300
 * times and cost 15 % of the run time. At 100 %: 744-787 MiB (docs/operations.md#memory).
 */
export const INGEST_HEAP_GROWING_PERCENT = 100;

const FLAG = "--heap-growing-percent";

/**
 * Sets V8's heap growing factor for the rest of the process, unless node was started with its own.
 * V8 reads this flag each time it sets the next collection's limit, so setting it at run time takes
 * effect (it cannot be given in NODE_OPTIONS).
 */
export function limitHeapGrowth(
  percent: number,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  if (execArgv.some((argument) => argument.startsWith(FLAG) || argument.startsWith("--heap_growing_percent")))
    return false;
  setFlags(`${FLAG}=${percent}`);
  return true;
}
