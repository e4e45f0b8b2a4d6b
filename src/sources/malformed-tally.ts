/**
 * A reason without its details (positions, sizes, quoted values): the text before the first colon,
 * quote, bracket, parenthesis or number. Few and fixed, so fit for a metric's label.
 */
export function reasonKind(reason: string): string {
  const kind = reason.split(/[:"'[(]|(?:^|\s)\d/, 1)[0]?.trim() ?? "";
  return kind === "" ? "other" : kind;
}

/** How many malformed lines are listed one by one per reason; the rest are only counted. */
const EXAMPLES_PER_REASON = 5;

export interface MalformedReason {
  count: number;
  /** The first few lines, as `input:line`. */
  examples: string[];
}

/** Malformed lines by reason, for the report at the end of a run. */
export class MalformedTally {
  readonly byReason = new Map<string, MalformedReason>();
  total = 0;

  /** `where` names the line, e.g. `access.log:17`. The reason's text before `:` is its category. */
  add(reason: string, where: string): void {
    const category = reason.split(":", 1)[0] ?? reason;
    let entry = this.byReason.get(category);
    if (entry === undefined) {
      entry = { count: 0, examples: [] };
      this.byReason.set(category, entry);
    }
    entry.count++;
    this.total++;
    if (entry.examples.length < EXAMPLES_PER_REASON) entry.examples.push(where);
  }

  /** One line per reason, most frequent first: `  reason: count (a.log:3, a.log:9, …)`. */
  formatLines(): string[] {
    return [...this.byReason]
      .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
      .map(([reason, { count, examples }]) => {
        const more = count > examples.length ? ", …" : "";
        return `  ${reason}: ${count} (${examples.join(", ")}${more})`;
      });
  }
}
