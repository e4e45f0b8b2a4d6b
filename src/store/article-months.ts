import type { AccessMethod, AgentType } from "../definition/types.ts";
import { ALL_ACCESS, storedAccess, storedAgent } from "./serving-keys.ts";
import type { ApiAccess, ApiAgent, ViewsAt } from "./store.ts";

/**
 * One article's views in one month, as the per-article index keeps them (see article-index.ts): for
 * each day with rows, ascending, its day of the month, a mask of the (access method, agent type) pairs
 * with a row, and those rows' views in bit order, all in one flat array:
 * `[day, mask, views…, day, mask, views…]`. A flat array of small integers is what msgpack stores in
 * the fewest bytes and decodes fastest; a month of a popular article is about 150 numbers.
 */
export type MonthViews = number[];

const ACCESS_BITS: Readonly<Record<AccessMethod, number>> = { desktop: 0, "mobile app": 3, "mobile web": 6 };
const AGENT_BITS: Readonly<Record<AgentType, number>> = { user: 0, spider: 1, automated: 2 };
const PAIRS = 9;

function pairBit(access: AccessMethod, agent: AgentType): number {
  const bit = ACCESS_BITS[access] + AGENT_BITS[agent];
  if (Number.isNaN(bit)) throw new RangeError(`Not an access method and agent type: ${access}, ${agent}`);
  return bit;
}

/** The mask of the pairs an API access and agent sum (`all-*` sums every method or type). */
export function selectedPairs(access: ApiAccess, agent: ApiAgent): number {
  const method = storedAccess(access);
  const type = storedAgent(agent);
  let mask = 0;
  for (const [eachMethod, accessBit] of Object.entries(ACCESS_BITS)) {
    if (method !== ALL_ACCESS && method !== eachMethod) continue;
    for (const [eachType, agentBit] of Object.entries(AGENT_BITS)) {
      if (type === "all-agents" || type === eachType) mask |= 1 << (accessBit + agentBit);
    }
  }
  return mask;
}

/** Collects one article-month's per_article_daily rows, in ascending day order, into its value. */
export class MonthViewsBuilder {
  readonly #values: MonthViews = [];
  readonly #pairs = new Array<number>(PAIRS).fill(0);
  #day = 0;
  #mask = 0;

  /** `day` is the day of the month; rows of one day may come in any pair order. */
  add(day: number, access: AccessMethod, agent: AgentType, views: number): void {
    if (day !== this.#day) {
      if (day < this.#day) throw new RangeError(`Days must ascend: ${day} after ${this.#day}`);
      this.#flushDay();
      this.#day = day;
    }
    const bit = pairBit(access, agent);
    this.#mask |= 1 << bit;
    this.#pairs[bit] = (this.#pairs[bit] ?? 0) + views;
  }

  /** The month's value, or null when no row was added (the month has no views: remove its key). */
  finish(): MonthViews | null {
    this.#flushDay();
    return this.#values.length === 0 ? null : this.#values;
  }

  #flushDay(): void {
    if (this.#mask === 0) return;
    this.#values.push(this.#day, this.#mask);
    for (let bit = 0; bit < PAIRS; bit++) {
      if ((this.#mask & (1 << bit)) !== 0) this.#values.push(this.#pairs[bit] ?? 0);
      this.#pairs[bit] = 0;
    }
    this.#mask = 0;
  }
}

/**
 * Appends a month's buckets that lie in [firstDay, lastDay] (`YYYYMMDD` keys) to `out`: one per day with
 * rows (`daily`), or one for the month if any of its days in range has rows (`monthly`), with the views
 * of the `selected` pairs (0 when the day has rows of other pairs only, as the Pageview API answers).
 */
export function appendBuckets(
  month: number,
  value: MonthViews,
  selected: number,
  firstDay: number,
  lastDay: number,
  granularity: "daily" | "monthly",
  out: ViewsAt[],
): void {
  let monthViews = 0;
  let monthHasDays = false;
  let i = 0;
  while (i < value.length) {
    const day = month * 100 + (value[i] ?? 0);
    const mask = value[i + 1] ?? 0;
    i += 2;
    let views = 0;
    for (let bit = 0; bit < PAIRS; bit++) {
      if ((mask & (1 << bit)) === 0) continue;
      if ((selected & (1 << bit)) !== 0) views += value[i] ?? 0;
      i++;
    }
    if (day < firstDay || day > lastDay) continue;
    if (granularity === "daily") out.push({ timestamp: `${day}00`, views });
    else {
      monthViews += views;
      monthHasDays = true;
    }
  }
  if (monthHasDays) out.push({ timestamp: `${month}0100`, views: monthViews });
}
