import type { AccessMethod } from "../definition/types.ts";
import { decodeSlots, encodeSlots } from "./letters.ts";

/**
 * pageview_complete lines (spec section 8): `<project> <page_title> <page_id|null> <access>
 * <total> <counts>`, where access is `desktop`, `mobile-web` or `mobile-app` and counts are the
 * letter encoding of letters.ts (hours in daily files, days in monthly ones).
 */

/** What a line counts: one page of a project, by page id and access method. */
export interface CompletePage {
  project: string;
  article: string;
  page_id: number | null;
  access_method: AccessMethod;
}

export interface CompleteLine extends CompletePage {
  total: number;
  /** Views by slot (hour of the day, or day of the month − 1). */
  counts: number[];
}

const DUMP_ACCESS: Readonly<Record<AccessMethod, string>> = {
  desktop: "desktop",
  "mobile web": "mobile-web",
  "mobile app": "mobile-app",
};

const ACCESS_OF_DUMP: ReadonlyMap<string, AccessMethod> = new Map(
  Object.entries(DUMP_ACCESS).map(([method, dump]) => [dump, method as AccessMethod]),
);

/** The line (ending in `\n`) of a page's counts by slot; the total is their sum. */
export function formatCompleteLine(page: CompletePage, counts: ArrayLike<number>): string {
  let total = 0;
  for (let slot = 0; slot < counts.length; slot++) total += counts[slot] as number;
  const pageId = page.page_id === null ? "null" : String(page.page_id);
  return `${page.project} ${page.article} ${pageId} ${DUMP_ACCESS[page.access_method]} ${total} ${encodeSlots(counts)}\n`;
}

const PAGE_ID = /^(?:null|\d+)$/;

/**
 * Parses a line of a file with `slotCount` slots (24 or 31); null when it does not have the shape,
 * or its total is not the sum of its counts.
 */
export function parseCompleteLine(line: string, slotCount: number): CompleteLine | null {
  const fields = line.split(" ");
  if (fields.length !== 6) return null;
  const [project = "", article = "", pageId = "", access = "", total = "", letters = ""] = fields;
  const accessMethod = ACCESS_OF_DUMP.get(access);
  if (project === "" || article === "" || accessMethod === undefined || !PAGE_ID.test(pageId)) return null;
  const counts = new Array<number>(slotCount).fill(0);
  const sum = decodeSlots(letters, slotCount, counts);
  if (sum <= 0 || String(sum) !== total) return null;
  return {
    project,
    article,
    page_id: pageId === "null" ? null : Number(pageId),
    access_method: accessMethod,
    total: sum,
    counts,
  };
}

/**
 * Turns views ordered by page (as the export reads them: project, title, page id, access) into
 * lines: `add` returns the line of the previous page when a new page starts; `finish` the last one.
 */
export class CompleteLineBuilder {
  #page: CompletePage | null = null;
  readonly #counts: number[];

  constructor(slotCount: number) {
    this.#counts = new Array<number>(slotCount).fill(0);
  }

  add(page: CompletePage, slot: number, views: number): string | null {
    let line: string | null = null;
    if (this.#page === null || !samePage(this.#page, page)) {
      line = this.finish();
      this.#page = page;
    }
    this.#counts[slot] = (this.#counts[slot] as number) + views;
    return line;
  }

  finish(): string | null {
    if (this.#page === null) return null;
    const line = formatCompleteLine(this.#page, this.#counts);
    this.#page = null;
    this.#counts.fill(0);
    return line;
  }
}

function samePage(a: CompletePage, b: CompletePage): boolean {
  return (
    a.project === b.project &&
    a.article === b.article &&
    a.page_id === b.page_id &&
    a.access_method === b.access_method
  );
}
