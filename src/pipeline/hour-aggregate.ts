import type { AutomatedReasons } from "../definition/actor-label.ts";
import type { AgentType } from "../definition/types.ts";
import type { RefinedRecord } from "../refine/refine.ts";
import type { PageviewHourlyRow } from "../store/store.ts";

/**
 * The pageviews of one hour, counted per row of pageview_hourly. `user` views are kept per actor
 * until the hour's labels are known, since a label turns all of an actor's `user` views `automated`.
 * Memory: one entry per distinct row, plus two 32-bit integers per `user` pageview.
 */
export class HourAggregate {
  /** The rows of each article, by country. */
  private readonly rowsByArticle = new Map<string, Map<string, number[]>>();
  private readonly rows: RowDimensions[] = [];
  private spiderViews: number[] = [];
  private unlabelledUserViews: number[] = [];
  private readonly actorIndex = new Map<string, number>();
  private readonly actors: string[] = [];
  private pairs = new Int32Array(1 << 16);
  private pairCount = 0;

  /** Adds one pageview; `actorSignature` is null for requests outside the actor metrics. */
  add(record: RefinedRecord, actorSignature: string | null): void {
    const row = this.rowOf(record);
    if (record.agent_type === "spider") {
      this.spiderViews[row] = (this.spiderViews[row] ?? 0) + 1;
    } else if (actorSignature === null) {
      this.unlabelledUserViews[row] = (this.unlabelledUserViews[row] ?? 0) + 1;
    } else {
      let actor = this.actorIndex.get(actorSignature);
      if (actor === undefined) {
        actor = this.actors.length;
        this.actors.push(actorSignature);
        this.actorIndex.set(actorSignature, actor);
      }
      if (this.pairCount * 2 === this.pairs.length) {
        const grown = new Int32Array(this.pairs.length * 2);
        grown.set(this.pairs);
        this.pairs = grown;
      }
      this.pairs[this.pairCount * 2] = row;
      this.pairs[this.pairCount * 2 + 1] = actor;
      this.pairCount++;
    }
  }

  /** Signatures with `user` pageviews this hour: the only actors whose labels matter for it. */
  actorSignatures(): readonly string[] {
    return this.actors;
  }

  hasActor(actorSignature: string): boolean {
    return this.actorIndex.has(actorSignature);
  }

  /**
   * The hour's pageview_hourly rows once labels are known, and the automated views per reason
   * (an actor automated for its redirects only is counted under that reason).
   */
  rowsWithLabels(automated: ReadonlyMap<string, AutomatedReasons>): {
    rows: PageviewHourlyRow[];
    automatedByReason: Map<string, number>;
  } {
    const userViews = [...this.unlabelledUserViews];
    const automatedViews: number[] = [];
    const automatedByReason = new Map<string, number>();
    const reasonOfActor = this.actors.map((signature) => {
      const reasons = automated.get(signature);
      return reasons === undefined
        ? undefined
        : (reasons.pageview ?? reasons.redirect_to_pageview ?? "automated");
    });
    for (let i = 0; i < this.pairCount; i++) {
      const row = this.pairs[i * 2] as number;
      const reason = reasonOfActor[this.pairs[i * 2 + 1] as number];
      if (reason === undefined) {
        userViews[row] = (userViews[row] ?? 0) + 1;
      } else {
        automatedViews[row] = (automatedViews[row] ?? 0) + 1;
        automatedByReason.set(reason, (automatedByReason.get(reason) ?? 0) + 1);
      }
    }
    const rows: PageviewHourlyRow[] = [];
    this.rows.forEach((dimensions, row) => {
      const user = userViews[row];
      const spider = this.spiderViews[row];
      const automated = automatedViews[row];
      if (user) rows.push(withCount(dimensions, "user", user));
      if (spider) rows.push(withCount(dimensions, "spider", spider));
      if (automated) rows.push(withCount(dimensions, "automated", automated));
    });
    return { rows, automatedByReason };
  }

  private rowOf(record: RefinedRecord): number {
    const project = record.project ?? "";
    const languageVariant = record.language_variant ?? "-";
    const article = record.article ?? "-";
    // Rows are found by article and country, then compared (a handful: by access method and referer);
    // one long text key per request cost twice as much.
    let byCountry = this.rowsByArticle.get(article);
    if (byCountry === undefined) {
      byCountry = new Map();
      this.rowsByArticle.set(article, byCountry);
    }
    let candidates = byCountry.get(record.country_code);
    if (candidates === undefined) {
      candidates = [];
      byCountry.set(record.country_code, candidates);
    }
    for (const row of candidates) {
      const dimensions = this.rows[row] as RowDimensions;
      if (
        dimensions.access_method === record.access_method &&
        dimensions.referer_class === record.referer_class &&
        dimensions.project === project &&
        dimensions.page_id === record.page_id &&
        dimensions.namespace_id === record.namespace_id &&
        dimensions.language_variant === languageVariant &&
        dimensions.continent === record.continent
      )
        return row;
    }
    const row = this.rows.length;
    this.rows.push({
      project,
      language_variant: languageVariant,
      article,
      page_id: record.page_id,
      namespace_id: record.namespace_id,
      access_method: record.access_method,
      referer_class: record.referer_class,
      continent: record.continent,
      country_code: record.country_code,
    });
    candidates.push(row);
    return row;
  }
}

type RowDimensions = Omit<PageviewHourlyRow, "agent_type" | "views">;

/**
 * Spelled out rather than `{ ...dimensions, agent_type, views }`: V8 gives the spread copy no room for
 * the two added fields, so each row then costs several times the time and memory (measured: 454
 * against 70 bytes a row), and an hour's rows live until they are stored.
 */
function withCount(dimensions: RowDimensions, agent_type: AgentType, views: number): PageviewHourlyRow {
  return {
    project: dimensions.project,
    language_variant: dimensions.language_variant,
    article: dimensions.article,
    page_id: dimensions.page_id,
    namespace_id: dimensions.namespace_id,
    access_method: dimensions.access_method,
    agent_type,
    referer_class: dimensions.referer_class,
    continent: dimensions.continent,
    country_code: dimensions.country_code,
    views,
  };
}
