import type { TopArticle } from "./api.ts";

/**
 * Topviews' mobile shares and automated-traffic flags, from the top lists of each access method. A list
 * holds at most 1000 articles, so an article missing from one had between 0 and as many views as the
 * list's last entry: shares are bounds, exact whenever the article is in every list. Pure, no DOM.
 */

export const SPLIT_ACCESS = ["desktop", "mobile-web", "mobile-app"] as const;
export type SplitAccess = (typeof SPLIT_ACCESS)[number];

/** Shares this close to 0 % or 100 % mobile are unlike readers: Wikipedia's readers are mostly mobile. */
export const NEAR_EDGE = 0.05;
/** One access method with this share of the views: typical of one client requesting a page over and over. */
export const ONE_ACCESS = 0.9;

export interface ShareRange {
  low: number;
  high: number;
}

export interface TopEntry {
  rank: number;
  article: string;
  views: number;
  mobileShare: ShareRange;
  /** Why the entry looks automated, or null. */
  flag: string | null;
}

/** The top list of one access method; null when the API had no data for it (no views at all). */
export type AccessTops = Readonly<Record<SplitAccess, readonly TopArticle[] | null>>;

export function topEntries(allAccess: readonly TopArticle[], byAccess: AccessTops): TopEntry[] {
  const lookups = SPLIT_ACCESS.map((access) => viewsLookup(byAccess[access]));
  return allAccess.map(({ rank, article, views }) => {
    const [desktop, web, app] = lookups.map((lookup) => lookup(article, views)) as [
      ShareRange,
      ShareRange,
      ShareRange,
    ];
    // The three access methods add up to all-access: each one's bounds narrow the others'.
    const narrowed = [
      narrow(desktop, views - web.high - app.high, views - web.low - app.low),
      narrow(web, views - desktop.high - app.high, views - desktop.low - app.low),
      narrow(app, views - desktop.high - web.high, views - desktop.low - web.low),
    ] as const;
    const mobile = narrow(
      { low: narrowed[1].low + narrowed[2].low, high: narrowed[1].high + narrowed[2].high },
      views - narrowed[0].high,
      views - narrowed[0].low,
    );
    const mobileShare = share(mobile, views);
    const accessShares = narrowed.map((range) => share(range, views));
    return { rank, article, views, mobileShare, flag: flagOf(mobileShare, accessShares) };
  });
}

/** `97%`, or `40–55%` when the lists leave it uncertain. */
export function formatShare({ low, high }: ShareRange): string {
  const [from, to] = [Math.round(low * 100), Math.round(high * 100)];
  return from === to ? `${from}%` : `${from}–${to}%`;
}

function flagOf(mobile: ShareRange, byAccess: readonly ShareRange[]): string | null {
  if (mobile.high <= NEAR_EDGE) return "Mobile share near 0 %";
  if (mobile.low >= 1 - NEAR_EDGE) return "Mobile share near 100 %";
  const dominant = byAccess.findIndex((range) => range.low >= ONE_ACCESS);
  if (dominant >= 0)
    return `${Math.round(ONE_ACCESS * 100)} % or more of the views from ${SPLIT_ACCESS[dominant]}`;
  return null;
}

/** Bounds on an article's views in one access method's list. */
function viewsLookup(list: readonly TopArticle[] | null): (article: string, allViews: number) => ShareRange {
  if (list === null) return () => ({ low: 0, high: 0 });
  const views = new Map(list.map((entry) => [entry.article, entry.views]));
  const last = list.reduce((least, entry) => Math.min(least, entry.views), Number.POSITIVE_INFINITY);
  return (article, allViews) => {
    const found = views.get(article);
    if (found !== undefined) return { low: found, high: found };
    return { low: 0, high: Math.min(allViews, list.length === 0 ? 0 : last) };
  };
}

function narrow(range: ShareRange, low: number, high: number): ShareRange {
  const from = Math.max(range.low, low, 0);
  return { low: from, high: Math.max(from, Math.min(range.high, high)) };
}

/** As a fraction of the views; within 0 and 1 even if the lists disagree (from different moments). */
function share(range: ShareRange, total: number): ShareRange {
  if (total <= 0) return { low: 0, high: 0 };
  const fraction = (views: number) => Math.min(1, Math.max(0, views / total));
  return { low: fraction(range.low), high: fraction(range.high) };
}
