import { randomUUID } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { AccessMethod, AgentType } from "../definition/types.ts";
import type { ArticleIndex, ArticleMonth } from "./article-index.ts";
import { MonthViewsBuilder } from "./article-months.ts";
import { inTransaction } from "./duckdb-transaction.ts";

/**
 * Keeps the per-article index (article-index.ts) in step with per_article_daily. A day's refresh
 * records, in its own transaction, which article-months it changed (article_index_pending); after the
 * commit those months are read back whole and written to the index, then forgotten. A crash between
 * the two leaves them recorded, and the next write or open finishes the job: the index never misses
 * a committed change for longer than that.
 */

export const ARTICLE_INDEX_TABLES = [
  `CREATE TABLE IF NOT EXISTS article_index_pending (
    project VARCHAR NOT NULL,
    article VARCHAR NOT NULL,
    month INTEGER NOT NULL
  )`,
  // The token the index must carry: a copy of the store with another index, or none, is rebuilt.
  `CREATE TABLE IF NOT EXISTS article_index_state (token VARCHAR NOT NULL)`,
];

const DAY_ROWS = `SELECT project, article, access_method, agent_type, views FROM per_article_daily WHERE day = $day`;

/** Run before a day of per_article_daily is replaced: keeps its old rows. */
export const KEEP_DAY_BEFORE = `CREATE OR REPLACE TEMP TABLE per_article_day_before AS ${DAY_ROWS}`;

const RECORD_CHANGED_ROWS = `INSERT INTO article_index_pending
  SELECT DISTINCT project, article, $day // 100 FROM (
    (FROM per_article_day_before EXCEPT ${DAY_ROWS})
    UNION ALL
    (${DAY_ROWS} EXCEPT FROM per_article_day_before)
  )`;

const RECORD_EVERY_ROW = `INSERT INTO article_index_pending
  SELECT DISTINCT project, article, $day // 100 FROM (${DAY_ROWS})`;

/**
 * Run after a day is replaced, with its old rows kept by {@link KEEP_DAY_BEFORE}: records the
 * article-months whose rows differ, then drops the old rows. A day that had none (refreshed for the
 * first time) changed every article it has, which a DISTINCT finds in a fifth of the time of the
 * two-way EXCEPT (0.05 against 0.26-0.31 s for a day of 550,000 rows).
 */
export async function recordChangedMonths(connection: DuckDBConnection, day: number): Promise<void> {
  const before = await connection.runAndReadAll("SELECT EXISTS (FROM per_article_day_before)");
  const hadRows = before.getRows()[0]?.[0] === true;
  await connection.run(hadRows ? RECORD_CHANGED_ROWS : RECORD_EVERY_ROW, { day });
  await connection.run("DROP TABLE per_article_day_before");
}

/**
 * Months written per index transaction, whose callback holds the main thread (and API requests): 5,000
 * months of 30 days each held it up to 85 ms (measured with monitorEventLoopDelay).
 */
const BATCH_MONTHS = 5000;

/** Whether the index carries the store's token: it was built from this store, whole. */
export async function articleIndexBuilt(connection: DuckDBConnection, index: ArticleIndex): Promise<boolean> {
  const state = await connection.runAndReadAll("SELECT token FROM article_index_state");
  const token = state.getRows()[0]?.[0];
  return typeof token === "string" && token === index.token;
}

/** Writes the recorded months to the index, then forgets them. Runs on the writer connection. */
export async function syncChangedMonths(connection: DuckDBConnection, index: ArticleIndex): Promise<void> {
  await writeMonths(
    connection,
    index,
    `WITH changed AS (SELECT DISTINCT project, article, month FROM article_index_pending)
     SELECT c.project, c.article, c.month, d.day % 100, d.access_method, d.agent_type, d.views
     FROM changed c LEFT JOIN per_article_daily d
       ON d.project = c.project AND d.article = c.article AND d.day BETWEEN c.month * 100 + 1 AND c.month * 100 + 31
     ORDER BY c.project, c.article, c.month, d.day`,
  );
  await connection.run("DELETE FROM article_index_pending");
}

/** Whether a read-only store's index can be trusted: it carries the token and nothing is pending. */
export async function articleIndexCurrent(
  connection: DuckDBConnection,
  index: ArticleIndex,
): Promise<boolean> {
  // A store last written before the index existed has not got its tables.
  const tables = await connection.runAndReadAll(
    `SELECT count(*) FROM duckdb_tables()
     WHERE database_name = current_database() AND table_name IN ('article_index_state', 'article_index_pending')`,
  );
  if (Number(tables.getRows()[0]?.[0]) !== 2 || !(await articleIndexBuilt(connection, index))) return false;
  const pending = await connection.runAndReadAll("SELECT count(*) FROM article_index_pending");
  return Number(pending.getRows()[0]?.[0]) === 0;
}

/** Empties the index and fills it from per_article_daily; the index is incomplete until this returns. */
export async function rebuildArticleIndex(connection: DuckDBConnection, index: ArticleIndex): Promise<void> {
  await index.clear();
  await writeMonths(
    connection,
    index,
    `SELECT project, article, day // 100, day % 100, access_method, agent_type, views
     FROM per_article_daily ORDER BY project, article, day`,
  );
  const token = randomUUID();
  await inTransaction(connection, async () => {
    await connection.run("DELETE FROM article_index_pending");
    await connection.run("DELETE FROM article_index_state");
    await connection.run("INSERT INTO article_index_state VALUES ($token)", { token });
  });
  await index.setToken(token);
}

interface MonthInProgress {
  project: string;
  article: string;
  month: number;
  builder: MonthViewsBuilder;
}

/**
 * Streams rows (project, article, month, day of month or NULL, access method, agent type, views),
 * ordered by project, article, month and day, into whole months, and writes them in batches that
 * never split an article.
 */
async function writeMonths(connection: DuckDBConnection, index: ArticleIndex, sql: string): Promise<void> {
  const result = await connection.stream(sql);
  let batch: ArticleMonth[] = [];
  let current: MonthInProgress | undefined;
  const finishMonth = () => {
    if (current === undefined) return;
    const { project, article, month, builder } = current;
    batch.push({ project, article, month, views: builder.finish() });
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    // Column by column: making each row's array of values cost more than the rest of this loop.
    const projects = chunk.getColumnVector(0);
    const articles = chunk.getColumnVector(1);
    const months = chunk.getColumnVector(2);
    const days = chunk.getColumnVector(3);
    const accesses = chunk.getColumnVector(4);
    const agents = chunk.getColumnVector(5);
    const views = chunk.getColumnVector(6);
    for (let row = 0; row < chunk.rowCount; row++) {
      const project = projects.getItem(row) as string;
      const article = articles.getItem(row) as string;
      const month = Number(months.getItem(row));
      if (current?.month !== month || current.article !== article || current.project !== project) {
        // A batch never splits an article.
        const articleEnds = current?.project !== project || current.article !== article;
        finishMonth();
        if (articleEnds && batch.length >= BATCH_MONTHS) {
          await index.write(batch);
          batch = [];
        }
        current = { project, article, month, builder: new MonthViewsBuilder() };
      }
      const day = days.getItem(row);
      if (day !== null)
        current.builder.add(
          Number(day),
          accesses.getItem(row) as AccessMethod,
          agents.getItem(row) as AgentType,
          Number(views.getItem(row)),
        );
    }
  }
  finishMonth();
  if (batch.length > 0) await index.write(batch);
}
