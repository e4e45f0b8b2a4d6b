import { type Database, open, type RootDatabase } from "lmdb";
import { appendBuckets, type MonthViews, selectedPairs } from "./article-months.ts";
import { dayRange } from "./serving-keys.ts";
import type { PerArticleQuery, ViewsAt } from "./store.ts";

/** One article's month as the index keeps it; `views` null removes the month (no views left in it). */
export interface ArticleMonth {
  project: string;
  article: string;
  /** `YYYYMM`. */
  month: number;
  views: MonthViews | null;
}

type MonthKey = [project: string, article: string, month: number];

const TOKEN = "token";
/**
 * LMDB keys are at most 1978 bytes. MediaWiki titles have at most 255; a longer one is junk from the
 * logs, left out of the index and read from the store.
 */
const MAX_KEY_TEXT_BYTES = 1024;

function indexable(project: string, article: string): boolean {
  return Buffer.byteLength(project) + Buffer.byteLength(article) <= MAX_KEY_TEXT_BYTES;
}

/**
 * The per-article serving index: each article's daily views, one value per (project, article, month),
 * in LMDB, a memory-mapped B+tree read in place. The Pageview API's most frequent request, one
 * article over a year, is then a range read of at most 13 keys, microseconds, where a DuckDB query
 * costs milliseconds whatever the table's layout. It holds nothing that per_article_daily does not:
 * the DuckDB store keeps it in step (duckdb-article-index.ts) and rebuilds it when it is missing or
 * does not carry the store's token.
 */
export class ArticleIndex {
  readonly #root: RootDatabase;
  readonly #months: Database<MonthViews, MonthKey>;
  readonly #meta: Database<string, string>;

  private constructor(root: RootDatabase) {
    this.#root = root;
    this.#months = root.openDB<MonthViews, MonthKey>({ name: "months" });
    this.#meta = root.openDB<string, string>({ name: "meta" });
  }

  /** Opens (creating unless read-only) the index file at `path`; LMDB adds `path`-lock beside it. */
  static open(path: string, options: { readOnly?: boolean } = {}): ArticleIndex {
    return new ArticleIndex(open({ path, readOnly: options.readOnly ?? false, maxDbs: 2 }));
  }

  /** The token of the store state the index was built from, if it was built completely. */
  get token(): string | undefined {
    return this.#meta.get(TOKEN);
  }

  async setToken(token: string): Promise<void> {
    await this.#meta.put(TOKEN, token);
  }

  /** Empties the index, token included. */
  async clear(): Promise<void> {
    await this.#meta.remove(TOKEN);
    await this.#months.clearAsync();
  }

  /**
   * Writes months in one transaction, so that a reader sees each article's months all old or all
   * new. Keep batches to thousands of months: the transaction's callback runs on the main thread.
   */
  async write(months: readonly ArticleMonth[]): Promise<void> {
    await this.#months.transaction(() => {
      for (const { project, article, month, views } of months) {
        if (!indexable(project, article)) continue;
        const key: MonthKey = [project, article, month];
        if (views === null) this.#months.remove(key);
        else this.#months.put(key, views);
      }
    });
  }

  /**
   * Daily or monthly buckets, as DuckDbStore's SQL read answers them (see Store.perArticle); null for
   * what the index leaves out: hours, and titles too long for a key.
   */
  read(query: PerArticleQuery): ViewsAt[] | null {
    const { project, article, granularity } = query;
    if (granularity === "hourly" || !indexable(project, article)) return null;
    const { first, last } = dayRange(query.from, query.to);
    const out: ViewsAt[] = [];
    if (first > last) return out;
    const selected = selectedPairs(query.access, query.agent);
    const range = this.#months.getRange({
      start: [project, article, Math.floor(first / 100)],
      end: [project, article, Math.floor(last / 100) + 1],
    });
    for (const { key, value } of range) {
      // Keys are compared as bytes: a title that extends this one with a low control character could
      // sort inside the range, so each key is checked whole.
      if (key[0] !== project || key[1] !== article) continue;
      appendBuckets(key[2], value, selected, first, last, granularity, out);
    }
    return out;
  }

  close(): Promise<void> {
    return this.#root.close();
  }
}
