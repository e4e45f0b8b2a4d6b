import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { AgentType } from "../definition/types.ts";
import type { DumpSlice, DumpStore, DumpViews, HourDumpViews, PagecountsRow } from "../store/store.ts";
import { sha256File } from "./checksums.ts";
import { parseCompleteLine } from "./complete-lines.ts";
import { readDumpLines } from "./dump-files.ts";
import { type CodeProject, DomainCodeReader, type HourlyLine, parseHourlyLine } from "./hourly-lines.ts";
import { DAY_SLOTS, HOUR_SLOTS } from "./letters.ts";
import { type DumpFile, daysOf, parseDumpName } from "./names.ts";

/**
 * `pageviews dumps import`: Wikimedia's published dumps into the store. Each file replaces the
 * slice it carries (its hours × its agent types), so importing a file again, or a daily file over
 * the hourly ones of its day, never counts a view twice; a file already imported with the same
 * content is skipped. What the dumps do not carry is stored as unknown (see docs/dumps.md).
 */

/** The definition versions of imported rows: projectviews are told apart, since they only fill gaps. */
export const DUMP_VERSION = "wikimedia-dump";
export const PROJECTVIEWS_VERSION = "wikimedia-projectviews";

export class NotADumpError extends Error {}

export interface FileOutcome {
  path: string;
  kind: DumpFile["kind"];
  status: "imported" | "unchanged" | "refused";
  /** Why a file was refused. */
  refusal?: string;
  lines: number;
  malformed: number;
  /** Line numbers of the first malformed lines. */
  malformedAt: number[];
  /** Lines whose domain code names no project this system knows (e.g. `en.mw`, mobile totals). */
  unknownCodes: number;
  /** Hours written; projectviews skip hours that hold article views. */
  hours: string[];
}

export interface ImportReport {
  files: FileOutcome[];
  linesRead: number;
  seconds: number;
}

export interface ImportOptions {
  store: DumpStore;
  /** Bytes read of all files, and their total. */
  onProgress?: (bytesRead: number, bytesTotal: number, file: string) => void;
}

const LINES_PER_BATCH = 50_000;
const MALFORMED_SAMPLES = 5;

export async function importDumps(paths: readonly string[], options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const files = paths.map((path) => {
    const file = parseDumpName(basename(path));
    if (file === null) {
      throw new NotADumpError(
        `${path}: not a dump file name (pageviews-YYYYMMDD-HH0000.gz, projectviews-YYYYMMDD-HH0000, ` +
          "pageviews-YYYYMMDD-{user,spider,automated}.bz2, pageviews-YYYYMM-<agent>.bz2 or pagecounts-YYYYMMDD-HH0000.gz)",
      );
    }
    return { path, file };
  });
  // Project totals go last: they only fill hours that no file gave article views.
  files.sort((a, b) => Number(a.file.kind === "projectviews") - Number(b.file.kind === "projectviews"));
  const sizes = await Promise.all(files.map(async ({ path }) => (await stat(path)).size));
  const bytesTotal = sizes.reduce((sum, size) => sum + size, 0);
  const imported = await options.store.importedDumps();
  const outcomes: FileOutcome[] = [];
  const days = new Set<string>();
  let bytesBefore = 0;
  for (const [i, { path, file }] of files.entries()) {
    const name = basename(path);
    const sha256 = await sha256File(path);
    const outcome: FileOutcome = {
      path,
      kind: file.kind,
      status: "unchanged",
      lines: 0,
      malformed: 0,
      malformedAt: [],
      unknownCodes: 0,
      hours: [],
    };
    if (imported.get(name) !== sha256) {
      const onBytes = (bytes: number) => options.onProgress?.(bytesBefore + bytes, bytesTotal, name);
      const reading = new FileReading(path, outcome, onBytes);
      try {
        await importFile(options.store, file, { name, sha256 }, reading);
        outcome.status = "imported";
        for (const hour of outcome.hours) days.add(hour.slice(0, 8));
      } catch (error) {
        // One misnamed file must not stop the others, nor leave their serving tables stale.
        if (!(error instanceof NotADumpError)) throw error;
        outcome.status = "refused";
        outcome.refusal = error.message;
      }
    }
    outcomes.push(outcome);
    bytesBefore += sizes[i] as number;
    options.onProgress?.(bytesBefore, bytesTotal, name);
  }
  if (days.size > 0) {
    await options.store.refreshServing([...days].sort(), { compact: true });
  }
  return {
    files: outcomes,
    linesRead: outcomes.reduce((sum, outcome) => sum + outcome.lines, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/** A file's lines in batches, with the counts of its outcome kept up to date. */
class FileReading {
  readonly codes = new DomainCodeReader();

  constructor(
    readonly path: string,
    readonly outcome: FileOutcome,
    readonly onBytes: (bytes: number) => void,
  ) {}

  async *batches(): AsyncGenerator<string[]> {
    let checked = false;
    for await (const lines of readDumpLines(this.path, this.onBytes)) {
      for (let start = 0; start < lines.length; start += LINES_PER_BATCH) {
        yield lines.length <= LINES_PER_BATCH ? lines : lines.slice(start, start + LINES_PER_BATCH);
        if (!checked) {
          checked = true;
          this.#checkContent();
        }
      }
    }
  }

  /**
   * The name says what a file holds; its first lines must agree. A file whose first batch has no
   * readable line is refused before it replaces anything (a misnamed file would empty its slice).
   */
  #checkContent(): void {
    const { lines, malformed, kind } = this.outcome;
    if (lines > 0 && malformed === lines) {
      throw new NotADumpError(
        `${this.path}: named as a ${kind} dump, but none of its first ${lines} lines reads as one ` +
          `(e.g. line ${this.outcome.malformedAt[0]}); nothing was imported from it.`,
      );
    }
  }

  /** Counts a line; returns its number. */
  line(): number {
    return ++this.outcome.lines;
  }

  malformed(lineNumber: number): void {
    this.outcome.malformed++;
    if (this.outcome.malformedAt.length < MALFORMED_SAMPLES) this.outcome.malformedAt.push(lineNumber);
  }
}

async function importFile(
  store: DumpStore,
  file: DumpFile,
  recorded: { name: string; sha256: string },
  reading: FileReading,
): Promise<void> {
  switch (file.kind) {
    case "pageviews":
    case "projectviews": {
      const projectviews = file.kind === "projectviews";
      const slice: DumpSlice = {
        file: recorded,
        fromHour: file.hour,
        toHour: file.hour,
        agentTypes: ["user"],
        definitionVersion: projectviews ? PROJECTVIEWS_VERSION : DUMP_VERSION,
        fillOnly: projectviews,
      };
      reading.outcome.hours = await store.replaceDumpSlice(
        slice,
        hourlyViews(file.hour, reading, projectviews),
      );
      return;
    }
    case "complete-daily":
    case "complete-monthly": {
      const days = file.kind === "complete-daily" ? [file.day] : daysOf(file.month);
      const slice: DumpSlice = {
        file: recorded,
        fromHour: `${days[0]}00`,
        toHour: `${days.at(-1)}23`,
        agentTypes: [file.agent],
        definitionVersion: DUMP_VERSION,
      };
      reading.outcome.hours = await store.replaceDumpSlice(slice, completeViews(days, file.agent, reading));
      return;
    }
    case "pagecounts":
      await store.replacePagecounts(recorded, file.hour, await pagecounts(reading));
      reading.outcome.hours = [file.hour];
      return;
  }
}

/**
 * The lines of an hourly-shaped file (pageviews, projectviews, pagecounts), a batch at a time, with
 * the project their domain code names; lines that do not read (or that `readable` refuses) are
 * counted as malformed, and lines of unknown codes counted apart.
 */
async function* knownProjectLines(
  reading: FileReading,
  readable: (line: HourlyLine) => boolean = () => true,
): AsyncGenerator<{ line: HourlyLine; project: CodeProject }[]> {
  for await (const texts of reading.batches()) {
    const lines: { line: HourlyLine; project: CodeProject }[] = [];
    for (const text of texts) {
      const lineNumber = reading.line();
      const line = parseHourlyLine(text);
      if (line === null || !readable(line)) {
        reading.malformed(lineNumber);
        continue;
      }
      const project = reading.codes.read(line.code);
      if (project === null) reading.outcome.unknownCodes++;
      else lines.push({ line, project });
    }
    yield lines;
  }
}

/** An hourly file's `user` views; projectviews lines must have the title `-`. */
async function* hourlyViews(
  hour: string,
  reading: FileReading,
  projectviews: boolean,
): AsyncGenerator<HourDumpViews> {
  const readable = projectviews ? (line: HourlyLine) => line.title === "-" : undefined;
  for await (const lines of knownProjectLines(reading, readable)) {
    const rows: DumpViews[] = lines.map(({ line, project }) => ({
      project: project.project,
      article: line.title,
      page_id: null,
      access_method: project.access_method,
      agent_type: "user",
      views: line.views,
    }));
    yield { hour, rows };
  }
}

/**
 * A pageview_complete file's views: hour letters of a day, or day letters of a month. Monthly files
 * carry no hours: a day's views are stored at its hour 00.
 */
async function* completeViews(
  days: readonly string[],
  agent: AgentType,
  reading: FileReading,
): AsyncGenerator<HourDumpViews> {
  const daily = days.length === 1;
  const slots = daily ? HOUR_SLOTS : DAY_SLOTS;
  const hours = daily
    ? Array.from({ length: HOUR_SLOTS }, (_, h) => `${days[0]}${String(h).padStart(2, "0")}`)
    : days.map((day) => `${day}00`);
  for await (const lines of reading.batches()) {
    const bySlot: DumpViews[][] = hours.map(() => []);
    for (const text of lines) {
      const lineNumber = reading.line();
      const line = parseCompleteLine(text, slots);
      // A monthly line with views on a day the month does not have is malformed too.
      if (line === null || line.counts.findLastIndex((count) => count > 0) >= hours.length) {
        reading.malformed(lineNumber);
        continue;
      }
      for (let slot = 0; slot < hours.length; slot++) {
        const views = line.counts[slot] as number;
        if (views === 0) continue;
        (bySlot[slot] as DumpViews[]).push({
          project: line.project,
          article: line.article,
          page_id: line.page_id,
          access_method: line.access_method,
          agent_type: agent,
          views,
        });
      }
    }
    for (const [slot, rows] of bySlot.entries()) {
      if (rows.length > 0) yield { hour: hours[slot] as string, rows };
    }
  }
}

/** A legacy pagecounts hour, summed by project and site (mobile codes are the mobile site). */
async function pagecounts(reading: FileReading): Promise<PagecountsRow[]> {
  const sums = new Map<string, PagecountsRow>();
  for await (const lines of knownProjectLines(reading)) {
    for (const { line, project } of lines) {
      const accessSite = project.access_method === "desktop" ? "desktop-site" : "mobile-site";
      const key = `${project.project} ${accessSite}`;
      const sum = sums.get(key);
      if (sum === undefined) sums.set(key, { project: project.project, accessSite, views: line.views });
      else sum.views += line.views;
    }
  }
  return [...sums.values()];
}
