/**
 * The requests a wiki serves, one builder per kind (an article, a stylesheet, an image, an edit form...),
 * each with the status, content type and X-Analytics that Wikimedia's CDN logs for it.
 */

import type { RawRequest } from "../definition/types.ts";
import type { Client } from "./clients.ts";
import type { Project } from "./projects.ts";
import { hashOf, type Random } from "./random.ts";

/** A raw request with the transport fields of Wikimedia's raw webrequest schema (spec section 5). */
export interface GeneratedRequest extends RawRequest {
  hostname: string;
  sequence: number;
  time_firstbyte: number;
  cache_status: string;
  response_size: number;
  http_method: string;
  x_forwarded_for: string;
  tls: string;
}

/** What the server answers for a kind of request. */
interface Response {
  readonly status: string;
  readonly contentType: string;
  /** Body size range in bytes; sizes are drawn log-uniformly. */
  readonly minSize: number;
  readonly maxSize: number;
  /** Served from cache; otherwise passed to the application servers. */
  readonly cacheable: boolean;
}

const HTML = "text/html; charset=UTF-8";

function response(
  status: string,
  contentType: string,
  minSize: number,
  maxSize: number,
  cacheable: boolean,
): Response {
  return { status, contentType, minSize, maxSize, cacheable };
}

const PAGE = response("200", HTML, 18_000, 400_000, true);
const NOT_MODIFIED = response("304", HTML, 0, 0, true);
const DYNAMIC_PAGE = response("200", HTML, 15_000, 250_000, false);
const NOT_FOUND = response("404", HTML, 12_000, 20_000, true);
const MOVED = response("301", "text/html; charset=utf-8", 0, 0, true);
const FOUND = response("302", "text/html; charset=utf-8", 0, 0, false);
const APP_PAGE = response(
  "200",
  'text/html; charset=utf-8; profile="https://www.mediawiki.org/wiki/Specs/Mobile-HTML/1.2.2"',
  12_000,
  300_000,
  true,
);
const SUMMARY = response(
  "200",
  'application/json; charset=utf-8; profile="https://www.mediawiki.org/wiki/Specs/Summary/1.5.0"',
  900,
  3_500,
  true,
);
const MEDIA_LIST = response("200", "application/json; charset=utf-8", 400, 9_000, true);
const API = response("200", "application/json; charset=utf-8", 200, 12_000, false);
const SCRIPT = response("200", "text/javascript; charset=utf-8", 1_500, 180_000, true);
const STYLE = response("200", "text/css; charset=utf-8", 2_000, 90_000, true);
const PARSOID_HTML = response(
  "200",
  'text/html; charset=utf-8; profile="https://www.mediawiki.org/wiki/Specs/HTML/2.8.0"',
  15_000,
  400_000,
  false,
);
const ROBOTS = response("200", "text/plain; charset=utf-8", 30_000, 31_000, true);

const NAMESPACE_PREFIX = /^[^:]*:/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Builds the requests of one generated log. It holds the log's clock (set once per second) and its
 * random stream; the builders below add the details of each kind of request.
 */
export class RequestLog {
  /** The current timestamp, `yyyy-MM-ddTHH:mm:ssZ`. */
  dt = "";
  /** The current day as the WMF-Last-Access cookie spells it: `12-Jul-2026`. */
  private lastAccessDay = "";
  private dayNumber = Number.NaN;

  constructor(readonly random: Random) {}

  /** Moves the clock to a second since the epoch. */
  at(epochSecond: number): void {
    const date = new Date(epochSecond * 1000);
    this.dt = `${date.toISOString().slice(0, 19)}Z`;
    const day = Math.floor(epochSecond / 86400);
    if (day !== this.dayNumber) {
      this.dayNumber = day;
      this.lastAccessDay = `${pad2(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()}`;
    }
  }

  /** X-Analytics as the CDN sets it: `prefix` (page or app keys) + cookie state + connection + mobile flag. */
  xAnalytics(client: Client, prefix: string, mobile: boolean): string {
    const cookie = client.cookies
      ? `WMF-Last-Access=${this.lastAccessDay};WMF-Last-Access-Global=${this.lastAccessDay};`
      : "nocookies=1;";
    return `${prefix}${cookie}https=1;client_port=${client.clientPort}${mobile ? ";ismobile=1" : ""}`;
  }

  emit(
    client: Client,
    uriHost: string,
    uriPath: string,
    uriQuery: string,
    answer: Response,
    referer: string,
    xAnalytics: string,
    method = "GET",
  ): GeneratedRequest {
    const random = this.random;
    const cache = client.cache;
    const cacheStatus = answer.cacheable ? cacheOutcome(random.next()) : "pass";
    const size =
      answer.maxSize === 0
        ? 0
        : Math.round(answer.minSize * (answer.maxSize / answer.minSize) ** random.next());
    return {
      hostname: cache.hostname,
      sequence: cache.sequence++,
      dt: this.dt,
      time_firstbyte: firstByteSeconds(cacheStatus, random.next()),
      ip: client.ip,
      cache_status: cacheStatus,
      http_status: answer.status,
      response_size: size,
      http_method: method,
      uri_host: uriHost,
      uri_path: uriPath,
      uri_query: uriQuery,
      content_type: answer.contentType,
      referer,
      x_forwarded_for: "-",
      user_agent: client.userAgent,
      accept_language: client.acceptLanguage,
      x_analytics: xAnalytics,
      tls: client.tls,
    };
  }
}

function cacheOutcome(u: number): string {
  return u < 0.78 ? "hit-front" : u < 0.88 ? "hit-local" : "miss";
}

function firstByteSeconds(cacheStatus: string, u: number): number {
  const seconds = cacheStatus.startsWith("hit") ? 0.0002 + u * 0.002 : 0.04 + u * u * 0.9;
  return Math.round(seconds * 1e6) / 1e6;
}

/** Who is asking where: the client, the wiki, and whether it uses the wiki's mobile host. */
export interface Place {
  readonly client: Client;
  readonly project: Project;
  readonly mobile: boolean;
}

function host(place: Place): string {
  return place.mobile ? place.project.mobileHost : place.project.desktopHost;
}

/** The URL of an article, as the next request's referer. */
export function articleUrl(place: Place, rank: number): string {
  return `https://${host(place)}/wiki/${place.project.titles.pathTitle(rank)}`;
}

function pageKeys(project: Project, rank: number): string {
  return `ns=${project.titles.namespace(rank)};page_id=${project.titles.pageId(rank)};`;
}

/**
 * The path form of a title as clients send it: usually as MediaWiki links it, sometimes with `%2F` for
 * a slash or `%20` for a space (links typed or copied by hand).
 */
function requestedTitle(log: RequestLog, project: Project, rank: number): string {
  const path = project.titles.pathTitle(rank);
  const u = log.random.next();
  if (u < 0.2 && path.includes("/")) return path.replaceAll("/", "%2F");
  if (u > 0.99 && path.includes("_")) return path.replaceAll("_", "%20");
  return path;
}

/** A reader opening an article: the pageview. Browsers revalidate some pages they have cached (304). */
export function article(log: RequestLog, place: Place, rank: number, referer: string): GeneratedRequest {
  const { client, project, mobile } = place;
  const revalidated = client.cookies && log.random.chance(0.03);
  return log.emit(
    client,
    host(place),
    `/wiki/${requestedTitle(log, project, rank)}`,
    "",
    revalidated ? NOT_MODIFIED : PAGE,
    referer,
    log.xAnalytics(client, pageKeys(project, rank), mobile),
  );
}

/** A page under /w/index.php with a title and further parameters: history, diff, edit. */
function indexPhp(
  log: RequestLog,
  place: Place,
  rank: number,
  parameters: string,
  answer: Response,
  referer: string,
  method = "GET",
): GeneratedRequest {
  const { client, project, mobile } = place;
  return log.emit(
    client,
    host(place),
    "/w/index.php",
    `?title=${project.titles.pathTitle(rank)}${parameters}`,
    answer,
    referer,
    log.xAnalytics(client, pageKeys(project, rank), mobile),
    method,
  );
}

export function historyPage(log: RequestLog, place: Place, rank: number, referer: string): GeneratedRequest {
  return indexPhp(log, place, rank, "&action=history", DYNAMIC_PAGE, referer);
}

/** The URL of a page's history, the referer of a diff opened from it. */
export function historyUrl(place: Place, rank: number): string {
  return `https://${host(place)}/w/index.php?title=${place.project.titles.pathTitle(rank)}&action=history`;
}

/** A revision id of a page, stable per page and step back in its history. */
function revision(place: Place, rank: number, back: number): number {
  return 1_200_000_000 + (hashOf(place.project.titles.pageId(rank), back) % 90_000_000);
}

export function diffPage(log: RequestLog, place: Place, rank: number, referer: string): GeneratedRequest {
  const back = log.random.int(20);
  const newer = revision(place, rank, back);
  const older = newer - 1 - log.random.int(5000);
  return indexPhp(log, place, rank, `&diff=${newer}&oldid=${older}`, DYNAMIC_PAGE, referer);
}

export function editForm(log: RequestLog, place: Place, rank: number, referer: string): GeneratedRequest {
  return indexPhp(log, place, rank, "&action=edit", DYNAMIC_PAGE, referer);
}

/** Saving an edit: a POST answered by a redirect to the saved page. */
export function editSubmit(log: RequestLog, place: Place, rank: number, referer: string): GeneratedRequest {
  return indexPhp(log, place, rank, "&action=submit", FOUND, referer, "POST");
}

/** An article that does not exist (a red link or a typo): MediaWiki answers 404 with a page. */
export function missingArticle(
  log: RequestLog,
  place: Place,
  rank: number,
  referer: string,
): GeneratedRequest {
  const { client, project, mobile } = place;
  return log.emit(
    client,
    host(place),
    `/wiki/${project.titles.pathTitle(rank)}s`,
    "",
    NOT_FOUND,
    referer,
    log.xAnalytics(client, "ns=0;page_id=0;", mobile),
  );
}

/** Words to search for: a few words of a title, joined with `+` as browsers submit forms. */
function searchTerms(place: Place, rank: number): string {
  const words = place.project.titles.pathTitle(rank).split("_");
  return words.slice(0, Math.min(words.length, 3)).join("+");
}

/** A search results page (Special:Search), which the definition counts as a pageview. */
export function searchResults(
  log: RequestLog,
  place: Place,
  rank: number,
  referer: string,
): GeneratedRequest {
  const { client, mobile } = place;
  const terms = searchTerms(place, rank);
  const viaIndex = log.random.chance(0.5);
  return log.emit(
    client,
    host(place),
    viaIndex ? "/w/index.php" : "/wiki/Special:Search",
    viaIndex ? `?search=${terms}&title=Special%3ASearch&ns0=1` : `?search=${terms}&fulltext=1`,
    DYNAMIC_PAGE,
    referer,
    log.xAnalytics(client, "special=Search;ns=-1;", mobile),
  );
}

/** The search box's "Go": a redirect to the article, i.e. a redirect to a pageview. */
export function searchGo(log: RequestLog, place: Place, rank: number, referer: string): GeneratedRequest {
  const { client, mobile } = place;
  return log.emit(
    client,
    host(place),
    "/w/index.php",
    `?search=${searchTerms(place, rank)}&title=Special%3ASearch&go=Go`,
    FOUND,
    referer,
    log.xAnalytics(client, "special=Search;ns=-1;", mobile),
  );
}

/** Special pages other than search; only some of them count as pageviews (spec section 1, rule 4). */
export function specialPage(
  log: RequestLog,
  place: Place,
  name: "Random" | "RecentChanges" | "Watchlist",
  referer: string,
): GeneratedRequest {
  const { client, mobile } = place;
  return log.emit(
    client,
    host(place),
    `/wiki/Special:${name}`,
    "",
    name === "Random" ? FOUND : DYNAMIC_PAGE,
    referer,
    log.xAnalytics(client, `special=${name};ns=-1;`, mobile),
  );
}

/** The bare domain, redirected to the main page. */
export function rootRedirect(log: RequestLog, place: Place, referer: string): GeneratedRequest {
  const { client, mobile } = place;
  return log.emit(client, host(place), "/", "", MOVED, referer, log.xAnalytics(client, "", mobile));
}

/** A phone that opened a desktop URL is redirected to the mobile site: a redirect to a pageview. */
export function mobileRedirect(
  log: RequestLog,
  place: Place,
  rank: number,
  referer: string,
): GeneratedRequest {
  const { client, project } = place;
  return log.emit(
    client,
    project.desktopHost,
    `/wiki/${project.titles.pathTitle(rank)}`,
    "",
    FOUND,
    referer,
    log.xAnalytics(client, "", false),
  );
}

const DESKTOP_MODULES = [
  "?lang={l}&modules=startup&only=scripts&raw=1&skin=vector-2022",
  "?lang={l}&modules=ext.cite.styles%7Cext.uls.interlanguage%7Cskins.vector.styles.legacy&only=styles&skin=vector-2022",
  "?lang={l}&modules=jquery%2Coojs-ui-core%2Cmediawiki.base%7Cext.popups&skin=vector-2022&version=1k2xz",
];
const MOBILE_MODULES = [
  "?lang={l}&modules=startup&only=scripts&raw=1&skin=minerva",
  "?lang={l}&modules=skins.minerva.styles%7Cmobile.init.styles&only=styles&skin=minerva",
  "?lang={l}&modules=mobile.startup%7Cskins.minerva.scripts&skin=minerva&version=9f3qa",
];

/** ResourceLoader: the scripts and styles of the page the reader is on. */
export function loadPhp(log: RequestLog, place: Place, referer: string): GeneratedRequest {
  const { client, project, mobile } = place;
  const modules = mobile ? MOBILE_MODULES : DESKTOP_MODULES;
  const which = log.random.int(modules.length);
  return log.emit(
    client,
    host(place),
    "/w/load.php",
    (modules[which] as string).replace("{l}", project.language),
    which === 1 ? STYLE : SCRIPT,
    referer,
    log.xAnalytics(client, "", mobile),
  );
}

/** Action API calls of the page's scripts: search suggestions and page images. */
export function apiCall(log: RequestLog, place: Place, rank: number, referer: string): GeneratedRequest {
  const { client, project, mobile } = place;
  const title = project.titles.pathTitle(rank);
  const query = log.random.chance(0.6)
    ? `?action=opensearch&format=json&formatversion=2&search=${title.slice(0, 1 + log.random.int(6))}&namespace=0&limit=10`
    : `?action=query&format=json&formatversion=2&prop=pageimages%7Cpageterms&piprop=thumbnail&pithumbsize=160&titles=${title}`;
  return log.emit(client, host(place), "/w/api.php", query, API, referer, log.xAnalytics(client, "", mobile));
}

/**
 * A page preview (a hover card on the web, a link preview in the apps). Previews carry `preview=1` and are
 * counted apart from pageviews.
 */
export function summaryPreview(
  log: RequestLog,
  place: Place,
  rank: number,
  referer: string,
): GeneratedRequest {
  const { client, project, mobile } = place;
  return log.emit(
    client,
    project.desktopHost,
    `/api/rest_v1/page/summary/${project.titles.pathTitle(rank)}`,
    "",
    SUMMARY,
    referer,
    log.xAnalytics(client, "preview=1;", mobile),
  );
}

/** The apps' article view: REST mobile-html tagged `pageview=1`. */
export function appArticle(log: RequestLog, place: Place, rank: number): GeneratedRequest {
  const { client, project } = place;
  return log.emit(
    client,
    project.desktopHost,
    `/api/rest_v1/page/mobile-html/${project.titles.pathTitle(rank)}`,
    "",
    APP_PAGE,
    "-",
    `pageview=1;${pageKeys(project, rank)}wmfuuid=${client.appInstallId};https=1;client_port=${client.clientPort}`,
  );
}

/** The apps' request for a page's images and videos: not a pageview. */
export function appMediaList(log: RequestLog, place: Place, rank: number): GeneratedRequest {
  const { client, project } = place;
  return log.emit(
    client,
    project.desktopHost,
    `/api/rest_v1/page/media-list/${project.titles.pathTitle(rank)}`,
    "",
    MEDIA_LIST,
    "-",
    `wmfuuid=${client.appInstallId};https=1;client_port=${client.clientPort}`,
  );
}

const THUMB_WIDTHS = ["220", "250", "330", "500", "640", "960", "1280"];
const JPEG = response("200", "image/jpeg", 4_000, 450_000, true);
const PNG = response("200", "image/png", 1_500, 300_000, true);
const WEBP = response("200", "image/webp", 3_000, 250_000, true);
/** File extensions with the type of their thumbnails: SVG files are thumbnailed as PNG. */
const IMAGE_FILES: readonly (readonly [string, Response])[] = [
  ["jpg", JPEG],
  ["png", PNG],
  ["webp", WEBP],
  ["svg", PNG],
];

/** An image of the page, from upload.wikimedia.org; the referer is the page's origin. */
export function image(log: RequestLog, place: Place, rank: number, referer: string): GeneratedRequest {
  const { client, project } = place;
  // Up to eight images per page, each with a stable name and hashed directory, as MediaWiki stores them.
  const hash = hashOf(project.titles.pageId(rank), log.random.int(8));
  const [extension, thumbType] = IMAGE_FILES[hash & 3] as (typeof IMAGE_FILES)[number];
  const stem = project.titles.pathTitle(rank).replaceAll("/", "_").replace(NAMESPACE_PREFIX, "");
  const file = `${stem}_${(hash >>> 8) % 100}.${extension}`;
  const hex = (hash >>> 16).toString(16).padStart(4, "0");
  const width = THUMB_WIDTHS[log.random.int(THUMB_WIDTHS.length)] as string;
  const thumb = extension === "svg" ? `${width}px-${file}.png` : `${width}px-${file}`;
  return log.emit(
    client,
    "upload.wikimedia.org",
    `${project.uploadPrefix}/thumb/${hex.charAt(0)}/${hex.slice(0, 2)}/${file}/${thumb}`,
    "",
    thumbType,
    referer === "-" ? "-" : `https://${host(place)}/`,
    `https=1;client_port=${client.clientPort}`,
  );
}

/** Crawlers read robots.txt first. */
export function robotsTxt(log: RequestLog, place: Place): GeneratedRequest {
  return log.emit(
    place.client,
    host(place),
    "/robots.txt",
    "",
    ROBOTS,
    "-",
    log.xAnalytics(place.client, "", false),
  );
}

/** Internal services fetching Parsoid HTML or raw wikitext of a page. */
export function internalFetch(log: RequestLog, place: Place, rank: number): GeneratedRequest {
  const { client, project } = place;
  const title = project.titles.pathTitle(rank);
  return log.random.chance(0.6)
    ? log.emit(client, project.desktopHost, `/api/rest_v1/page/html/${title}`, "", PARSOID_HTML, "-", "-")
    : log.emit(
        client,
        project.desktopHost,
        "/w/api.php",
        `?action=query&format=json&prop=revisions&rvprop=content&titles=${title}`,
        API,
        "-",
        "-",
      );
}
