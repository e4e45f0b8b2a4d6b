/**
 * Import rate of a generated hourly `pageviews` dump (2 M lines by default, Wikimedia's shape: many
 * domain codes, long-tailed titles), beside the same run's `zcat | wc -l` baseline. The import is
 * the whole of `importDumps` into an empty store: reading, parsing, the transaction, and the
 * serving tables of the day.
 *
 *   npm run bench:dumps [-- --lines N]
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import { importDumps } from "../src/dumps/import.ts";
import { DuckDbStore } from "../src/store/duckdb-store.ts";

const { values } = parseArgs({ options: { lines: { type: "string", default: "2000000" } } });
const lines = Number(values.lines);
const outDir = fileURLToPath(new URL("./.out/", import.meta.url));
const input = join(outDir, `dumps-${lines}`, "pageviews-20260115-130000.gz");

const LANGUAGES = [
  "en",
  "de",
  "fr",
  "ja",
  "es",
  "ru",
  "it",
  "zh",
  "pt",
  "pl",
  "nl",
  "ar",
  "sv",
  "zh-min-nan",
];
const SUFFIXES = ["", ".m", ".d", ".m.d", ".voy", ".b", ".q", ".s"];

/** Sorted as the dumps are: codes, then titles; counts long-tailed. */
async function generate(path: string): Promise<void> {
  const codes = LANGUAGES.flatMap((language) => SUFFIXES.map((suffix) => `${language}${suffix}`));
  codes.push("commons.m", "commons.m.m", "www.wd", "m.wd", "meta.m");
  codes.sort();
  const perCode = Math.ceil(lines / codes.length);
  const gzip = createGzip();
  const done = finished(gzip.pipe(createWriteStream(path)));
  let written = 0;
  let chunk = "";
  for (const code of codes) {
    for (let i = 0; i < perCode && written < lines; i++, written++) {
      chunk += `${code} Article_${String(i).padStart(7, "0")}_${(i * 2654435761) % 9973} ${1 + Math.floor(1000 / (1 + (i % 997)))} 0\n`;
      if (chunk.length > 1 << 16) {
        if (!gzip.write(chunk)) await new Promise<void>((resolve) => gzip.once("drain", () => resolve()));
        chunk = "";
      }
    }
  }
  gzip.end(chunk);
  await done;
}

mkdirSync(join(input, ".."), { recursive: true });
if (!existsSync(input)) {
  const started = performance.now();
  await generate(input);
  console.log(`generated ${lines} lines in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}
console.log(`input: ${input} (${(statSync(input).size / 2 ** 20).toFixed(1)} MiB gzip)`);

const zcatStarted = performance.now();
const baseline = spawnSync("bash", ["-c", `zcat '${input}' | wc -l`], { encoding: "utf8" });
const zcatSeconds = (performance.now() - zcatStarted) / 1000;
const counted = Number(baseline.stdout.trim());

const dataDir = mkdtempSync(join(tmpdir(), "pageviews-bench-dumps-"));
try {
  const store = await DuckDbStore.open(join(dataDir, "pageviews.duckdb"));
  const started = performance.now();
  const report = await importDumps([input], { store });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  const file = report.files[0];
  if (file?.lines !== counted || file.malformed !== 0)
    throw new Error(`imported ${file?.lines} of ${counted} lines`);
  const rate = (s: number) => Math.round(counted / s).toLocaleString("en-US");
  console.log(`zcat | wc -l              ${zcatSeconds.toFixed(2)} s  ${rate(zcatSeconds)} lines/s`);
  console.log(`pageviews dumps import    ${seconds.toFixed(2)} s  ${rate(seconds)} lines/s`);
  console.log(
    `ratio import / zcat       ${(zcatSeconds / seconds).toFixed(3)} (speed relative to the baseline)`,
  );
  console.log(`peak memory (RSS)         ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
