import { domainCode, projectFromDomainCode, projectFromEzCode } from "../definition/domain-code.ts";
import type { AccessMethod } from "../definition/types.ts";
import { compareUtf8 } from "./utf8-order.ts";

/**
 * The hourly `pageviews` and `projectviews` dumps (spec section 8): `<domain_code> <page_title>
 * <view_count> 0`, with `-` as the title of projectviews, sorted by domain code then title. Legacy
 * `pagecounts` files have the same shape with a byte count as the 4th field.
 */

/** One article's views of an hour, as the dump lines are built from. */
export interface ArticleViews {
  project: string;
  article: string;
  access_method: AccessMethod;
  views: number;
}

/** A parsed hourly line. */
export interface HourlyLine {
  code: string;
  title: string;
  views: number;
}

const PROJECT_TITLE = "-";

/** The lines (each ending in `\n`) of an hour's `pageviews` file, from its `user` views. */
export function pageviewsLines(rows: Iterable<ArticleViews>): string[] {
  const sums = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const code = domainCode(row.project, row.access_method) ?? "";
    let titles = sums.get(code);
    if (titles === undefined) {
      titles = new Map();
      sums.set(code, titles);
    }
    titles.set(row.article, (titles.get(row.article) ?? 0) + row.views);
  }
  const lines: string[] = [];
  for (const code of [...sums.keys()].sort(compareUtf8)) {
    const titles = sums.get(code) as Map<string, number>;
    for (const title of [...titles.keys()].sort(compareUtf8)) {
      lines.push(`${code} ${sparkCsvField(title)} ${titles.get(title)} 0\n`);
    }
  }
  return lines;
}

/** The lines of an hour's `projectviews` file: one per domain code. */
export function projectviewsLines(rows: Iterable<ArticleViews>): string[] {
  const sums = new Map<string, number>();
  for (const row of rows) {
    const code = domainCode(row.project, row.access_method) ?? "";
    sums.set(code, (sums.get(code) ?? 0) + row.views);
  }
  return [...sums.keys()].sort(compareUtf8).map((code) => `${code} ${PROJECT_TITLE} ${sums.get(code)} 0\n`);
}

/**
 * A field as Spark's CSV writer prints it: quoted, with `\"` for a quote, when it holds a quote. A
 * project the dumps have no code for is NULL, which Spark prints as an empty field (and sorts first,
 * as the empty string does here).
 */
function sparkCsvField(value: string): string {
  return value.includes('"') ? `"${value.replaceAll('"', '\\"')}"` : value;
}

const SPACE = 32;
const QUOTE = '"';
const NON_NEGATIVE = /^\d+$/;
const POSITIVE = /^[1-9]\d*$/;

/** Parses `<code> <title> <views> <n>`; null when the line does not have that shape. */
export function parseHourlyLine(line: string): HourlyLine | null {
  const first = line.indexOf(" ");
  const second = line.indexOf(" ", first + 1);
  const third = line.indexOf(" ", second + 1);
  if (first <= 0 || second <= first + 1 || third <= second + 1) return null;
  if (line.indexOf(" ", third + 1) !== -1 || third === line.length - 1) return null;
  if (line.charCodeAt(line.length - 1) === SPACE) return null;
  const viewsText = line.slice(second + 1, third);
  if (!POSITIVE.test(viewsText) || !NON_NEGATIVE.test(line.slice(third + 1))) return null;
  let title = line.slice(first + 1, second);
  if (title.length >= 2 && title.startsWith(QUOTE) && title.endsWith(QUOTE)) {
    title = title.slice(1, -1).replaceAll('\\"', QUOTE);
  }
  return { code: line.slice(0, first), title, views: Number(viewsText) };
}

/** A domain code's project and access method. */
export interface CodeProject {
  project: string;
  access_method: AccessMethod;
}

/**
 * Reads domain codes back into projects, remembering each code (a file has a few thousand distinct
 * codes among millions of lines). Mobile codes cannot tell the mobile site from the apps: they are
 * read as `mobile web`. Codes that are not domain codes are tried as pagecounts-ez codes (`en.z`),
 * which older files use; `<lang>.mw`, the mobile totals, and unknown codes give null.
 */
export class DomainCodeReader {
  readonly #known = new Map<string, CodeProject | null>();

  read(code: string): CodeProject | null {
    let known = this.#known.get(code);
    if (known === undefined) {
      known = resolve(code);
      this.#known.set(code, known);
    }
    return known;
  }
}

function resolve(code: string): CodeProject | null {
  const fromDomain = projectFromDomainCode(code);
  if (fromDomain !== null) {
    return { project: fromDomain.project, access_method: fromDomain.mobile ? "mobile web" : "desktop" };
  }
  const fromEz = projectFromEzCode(code);
  return fromEz === null ? null : { project: fromEz, access_method: "desktop" };
}
