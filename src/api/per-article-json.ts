import type { ViewsAt } from "../store/store.ts";

/** The fields every item of a per-article answer shares. */
export interface PerArticleFields {
  project: string;
  article: string;
  granularity: string;
  access: string;
  agent: string;
}

/**
 * A per-article answer's body, byte for byte what `JSON.stringify` writes for its items (AQS's field
 * order), with the shared fields encoded once rather than once per item: with a year of days, encoding
 * the same title hundreds of times was the largest cost of the route after the socket write. A bucket's
 * timestamp (`YYYYMMDDHH`, digits) and views (an integer) are written as they are, which is what
 * `JSON.stringify` would make of them without two calls per item (3 µs of 13 for 30 days, with the etag).
 */
export function perArticleJson(fields: PerArticleFields, views: readonly ViewsAt[]): string {
  const before =
    `{"project":${JSON.stringify(fields.project)},"article":${JSON.stringify(fields.article)},` +
    `"granularity":${JSON.stringify(fields.granularity)},"timestamp":"`;
  const after = `","access":${JSON.stringify(fields.access)},"agent":${JSON.stringify(fields.agent)},"views":`;
  let body = '{"items":[';
  for (let i = 0; i < views.length; i++) {
    const point = views[i] as ViewsAt;
    if (i > 0) body += ",";
    body += `${before}${point.timestamp}${after}${point.views}}`;
  }
  return `${body}]}`;
}
