/**
 * Refine throughput on 1 M generated webrequest lines (gzip), beside the same run's
 * `zcat | wc -l` baseline. Figures are reported as a ratio because the machines are shared.
 *
 *   npm run bench:refine [-- --lines N]
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeTraffic } from "../src/generate/traffic.ts";

const { values } = parseArgs({ options: { lines: { type: "string", default: "1000000" } } });
const lines = Number(values.lines);
const outDir = fileURLToPath(new URL("./.out/", import.meta.url));
const input = `${outDir}refine-${lines}.json.gz`;
const pageviews = fileURLToPath(new URL("../bin/pageviews", import.meta.url));

mkdirSync(outDir, { recursive: true });
if (!existsSync(input)) {
  const started = performance.now();
  const out = createWriteStream(input);
  await writeTraffic(
    { seed: 42, start: new Date("2026-01-15T00:00:00Z"), hours: 24, lines, format: "webrequest", gzip: true },
    out,
  );
  await new Promise((resolve) => out.end(resolve));
  console.log(`generated ${lines} lines in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}
console.log(`input: ${input} (${(statSync(input).size / 2 ** 20).toFixed(1)} MiB gzip)`);

function timed(command: string): { seconds: number; stdout: string; stderr: string } {
  const started = performance.now();
  const result = spawnSync("bash", ["-c", command], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  return { seconds: (performance.now() - started) / 1000, stdout: result.stdout, stderr: result.stderr };
}

const baseline = timed(`zcat '${input}' | wc -l`);
const counted = Number(baseline.stdout.trim());
const refine = timed(`'${pageviews}' refine '${input}' > /dev/null`);
const startup = timed(`'${pageviews}' refine /dev/null > /dev/null`);
const processing = refine.seconds - startup.seconds;

const rate = (seconds: number) => Math.round(counted / seconds);
console.log(
  `zcat | wc -l           ${baseline.seconds.toFixed(2)} s  ${rate(baseline.seconds).toLocaleString()} lines/s`,
);
console.log(
  `pageviews refine       ${refine.seconds.toFixed(2)} s  ${rate(refine.seconds).toLocaleString()} lines/s (whole command)`,
);
console.log(`  start-up alone       ${startup.seconds.toFixed(2)} s`);
console.log(
  `  without start-up     ${processing.toFixed(2)} s  ${rate(processing).toLocaleString()} lines/s`,
);
console.log(
  `ratio refine / zcat    ${(baseline.seconds / refine.seconds).toFixed(3)} (speed relative to the baseline)`,
);
console.log(`target: ≥ 150,000 lines/s on one core → ${rate(refine.seconds) >= 150_000 ? "met" : "NOT met"}`);
console.log(refine.stderr.split("\n").slice(0, 8).join("\n"));
