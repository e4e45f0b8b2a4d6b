import { LRUCache } from "lru-cache";
import { type RefererCategory, type RefererDefinition, refererDefinitions } from "./referer-definitions.ts";

/**
 * Where a pageview came from, as pageview_hourly keeps it (RS `core/referer/RefererClassifier.java`).
 * The referer URL itself is dropped; only its class and, for known sites, a name survive.
 */
export interface RefererData {
  /** `none`, `unknown`, `internal`, `external`, `external (search engine)`, `external (media sites)` or `external (AI chatbot)`. */
  referer_class: string;
  /** The site's name for the three named external classes (e.g. `Google`), otherwise `none`. */
  referer_name: string;
}

export type RefererRuleId =
  | "referer-none"
  | "referer-not-a-url"
  | "referer-bad-host"
  | "referer-internal"
  | "referer-ai-chatbot"
  | "referer-search-engine"
  | "referer-media-site"
  | "referer-external";

/** The referer rules in the order they are applied, for `--explain` and the docs. */
export const refererRules: readonly { id: RefererRuleId; summary: string; reason: string }[] = [
  {
    id: "referer-none",
    summary: "No referer (missing, empty or `-`) → `none`.",
    reason: "Typed or bookmarked URLs, apps and privacy settings send no Referer header.",
  },
  {
    id: "referer-not-a-url",
    summary:
      "Not an absolute `http:`, `https:` or `android-app:` URL (e.g. `google.com`, `https:/foo`) → `unknown`.",
    reason: "Only an absolute URL names the referring site; anything else is malformed or a probe.",
  },
  {
    id: "referer-bad-host",
    summary:
      "The host (up to the first `/`, `?` or `#`) has a character other than ASCII letters, digits, " +
      "`_`, `.`, `-`, `:`, has no letter, has no dot or more than 10 dots, or ends in `..org` → `unknown`.",
    reason:
      "Rejects injection attempts, garbage and bare IP addresses. The dot limit also bounds the cost " +
      "of the pattern search, which Wikimedia's regexes make exponential in the number of labels.",
  },
  {
    id: "referer-internal",
    summary: "A `.org` host of a Wikimedia project family (wikipedia.org, wikidata.org, …) → `internal`.",
    reason: "Navigation within Wikimedia's own sites, counted apart from traffic brought in from outside.",
  },
  {
    id: "referer-ai-chatbot",
    summary: "The URL matches an AI chatbot pattern (ChatGPT, Claude, …) → `external (AI chatbot)`.",
    reason: "Checked before search engines so that `deepmind.google` is not taken for Google.",
  },
  {
    id: "referer-search-engine",
    summary:
      "The URL matches a search engine pattern (Google, Bing, …, then any host containing `search`/" +
      "`suche` but not `research`) → `external (search engine)`.",
    reason: "Search is the main way readers arrive; the catch-all keeps small engines out of `external`.",
  },
  {
    id: "referer-media-site",
    summary:
      "The URL matches a social or media site pattern (YouTube, Reddit, …) → `external (media sites)`.",
    reason: "Shows how much readership social platforms bring.",
  },
  {
    id: "referer-external",
    summary: "Any other well-formed URL → `external`, name `none`.",
    reason: "A link from some other website.",
  },
];

const NONE = refererData("none", "none");
const UNKNOWN = refererData("unknown", "none");
const INTERNAL = refererData("internal", "none");
const EXTERNAL = refererData("external", "none");

/**
 * Classifies a referer URL. The result objects are shared and frozen. Classification needs no
 * pattern search for `none`, `unknown` and `internal` referers; for the rest, prefer the cached
 * classifier from `createRefererClassifier`.
 */
export function classifyReferer(referer: string | null | undefined): RefererData {
  if (referer == null) return NONE;
  return classifyByHost(referer) ?? classifyByPatterns(referer);
}

/**
 * `classifyReferer` with an LRU cache (keyed by the whole URL) in front of the pattern search.
 * Referers settled by their host alone are not cached: checking them is cheaper than a lookup.
 */
export function createRefererClassifier(
  options: { cacheSize?: number } = {},
): (referer: string | null | undefined) => RefererData {
  const { cacheSize = 10_000 } = options;
  if (!Number.isInteger(cacheSize) || cacheSize < 1) {
    throw new RangeError(`cacheSize must be a positive integer, got ${cacheSize}`);
  }
  const cache = new LRUCache<string, RefererData>({ max: cacheSize });
  return (referer) => {
    if (referer == null) return NONE;
    const byHost = classifyByHost(referer);
    if (byHost !== undefined) return byHost;
    let data = cache.get(referer);
    if (data === undefined) {
      data = classifyByPatterns(referer);
      cache.set(referer, data);
    }
    return data;
  };
}

function refererData(referer_class: string, referer_name: string): RefererData {
  return Object.freeze({ referer_class, referer_name });
}

// --- Rules none, not-a-url, bad-host and internal: a single scan, no regex ---

const SLASH = 0x2f;
const DOT = 0x2e;
const QUESTION_MARK = 0x3f;
const HASH = 0x23;
const MAX_HOST_DOTS = 10;

const WIKIMEDIA_FAMILIES: ReadonlySet<string> = new Set([
  "mediawiki",
  "wikibooks",
  "wikidata",
  "wikinews",
  "wikimedia",
  "wikimediafoundation",
  "wikipedia",
  "wikiquote",
  "wikisource",
  "wikiversity",
  "wikivoyage",
  "wiktionary",
]);

/**
 * Settles the referers that need no pattern search (`none`, `unknown`, `internal`); `undefined`
 * means a well-formed external URL. Mirrors the Java: split on `/` keeping empty parts, part 0
 * must be the scheme, part 1 empty, part 2 (cut at `?` or `#`) the host.
 */
function classifyByHost(url: string): RefererData | undefined {
  if (url === "" || url === "-") return NONE;
  const schemeEnd = url.indexOf("/");
  if (!isAcceptedScheme(url, schemeEnd) || url.charCodeAt(schemeEnd + 1) !== SLASH) return UNKNOWN;

  const hostStart = schemeEnd + 2;
  let hostEnd = hostStart;
  let dots = 0;
  let hasLetter = false;
  let lastDot = hostStart - 1;
  let previousDot = hostStart - 1;
  for (; hostEnd < url.length; hostEnd++) {
    const c = url.charCodeAt(hostEnd);
    if (c === SLASH || c === QUESTION_MARK || c === HASH) break;
    if (c === DOT) {
      dots++;
      previousDot = lastDot;
      lastDot = hostEnd;
    } else if (isAsciiLetter(c)) {
      hasLetter = true;
    } else if (!isOtherHostCharacter(c)) {
      return UNKNOWN;
    }
  }
  if (!hasLetter || dots === 0 || dots > MAX_HOST_DOTS) return UNKNOWN;
  if (url.charCodeAt(hostEnd) !== SLASH && hasLineTerminatorBeforeSlash(url, hostEnd)) return UNKNOWN;

  if (hostEnd - lastDot === 4 && url.startsWith("org", lastDot + 1)) {
    const secondLevel = url.slice(previousDot + 1, lastDot);
    if (secondLevel === "") return UNKNOWN;
    if (WIKIMEDIA_FAMILIES.has(secondLevel)) return INTERNAL;
  }
  return undefined;
}

function isAcceptedScheme(url: string, schemeEnd: number): boolean {
  switch (schemeEnd) {
    case 5:
      return url.startsWith("http:");
    case 6:
      return url.startsWith("https:");
    case 12:
      return url.startsWith("android-app:");
    default:
      return false;
  }
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** Java's `[\w\.\-:]` without the letters and the dot: digits, `_`, `-`, `:`. */
function isOtherHostCharacter(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d || c === 0x3a;
}

/**
 * The Java cuts the host with `replaceFirst("[?/#].*", "")`, and Java's `.` stops at a line
 * terminator, which then stays in the host and makes it invalid.
 */
function hasLineTerminatorBeforeSlash(url: string, from: number): boolean {
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === SLASH) return false;
    if (c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

// --- Rules ai-chatbot, search-engine and media-site: Wikimedia's patterns, searched efficiently ---
//
// Wikimedia tries the definitions one by one, searching the URL for
// `^[^:]*?:\/\/([A-Za-z0-9\.\-]*\.)*?(HOST)`: HOST at the start of any host label. That nested
// quantifier backtracks exponentially in the number of dots, and 51 definitions mean 51 scans.
// Here all definitions form one sticky alternation, run once per label start. At a given position
// an alternation yields the first alternative that matches there, so the lowest definition found
// over all label starts is the first definition that matches anywhere: Wikimedia's answer.

/** Categories in the order they are tried; the first matching one wins. */
const CATEGORY_ORDER: readonly RefererCategory[] = [
  "external (AI chatbot)",
  "external (search engine)",
  "external (media sites)",
];

/**
 * Wikimedia's prefix for "Predicted Other" is `^[^:]*?:\/\/[^\?\/]*?`: anything up to the first `?`
 * or `/`. Tried from the first label start, it covers every later one.
 */
const ANYWHERE_IN_HOST = String.raw`[^?\/]*?`;
/** Java's `.`: anything but a line terminator, which in Java includes U+0085 (JS's `.` does not). */
const JAVA_DOT = String.raw`[^\n\r\u0085\u2028\u2029]`;

/** A definition's pattern, to be run at a label start (with `^` inside it still meaning URL start). */
function labelStartPattern(definition: RefererDefinition): string {
  const prefix = definition.hostPatternStart === "anywhere" ? ANYWHERE_IN_HOST : "";
  const host = `${prefix}(?:${definition.hostPattern})`;
  if (definition.paramPattern === undefined) return host;
  return `${host}${JAVA_DOT}*?\\?${JAVA_DOT}*?(?:${definition.paramPattern})`;
}

/** How many capturing groups a regex source has. */
function captureGroupCount(source: string): number {
  return (new RegExp(`${source}|`).exec("") as RegExpExecArray).length - 1;
}

interface CompiledDefinitions {
  /** Sticky alternation of all definitions, each wrapped in a capturing group. */
  pattern: RegExp;
  /** For each definition, in alternation order, the number of its capturing group. */
  groups: readonly number[];
  /** For each definition, in alternation order, the result it gives. */
  results: readonly RefererData[];
}

function compileDefinitions(definitions: readonly RefererDefinition[]): CompiledDefinitions {
  const alternatives: string[] = [];
  const groups: number[] = [];
  const results: RefererData[] = [];
  let group = 1;
  for (const category of CATEGORY_ORDER) {
    for (const definition of definitions) {
      if (definition.category !== category) continue;
      const source = labelStartPattern(definition);
      alternatives.push(`(${source})`);
      groups.push(group);
      results.push(refererData(category, definition.name));
      group += 1 + captureGroupCount(source);
    }
  }
  return { pattern: new RegExp(alternatives.join("|"), "y"), groups, results };
}

const DEFINITIONS = compileDefinitions(refererDefinitions);

/** Classifies a URL that passed `classifyByHost` (so it starts with an accepted scheme and `//`). */
function classifyByPatterns(url: string): RefererData {
  let best = DEFINITIONS.results.length;
  for (let start = url.indexOf("//") + 2; start >= 0 && best > 0; start = nextLabelStart(url, start)) {
    best = firstDefinitionAt(url, start, best);
  }
  return DEFINITIONS.results[best] ?? EXTERNAL;
}

/** The index of the first definition matching at `start`, if lower than `limit`; else `limit`. */
function firstDefinitionAt(url: string, start: number, limit: number): number {
  DEFINITIONS.pattern.lastIndex = start;
  const match = DEFINITIONS.pattern.exec(url);
  if (match === null) return limit;
  for (let index = 0; index < limit; index++) {
    if (match[DEFINITIONS.groups[index] as number] !== undefined) return index;
  }
  return limit;
}

/**
 * Where the next host label starts: after the next `.`, if only `[A-Za-z0-9-]` come before it
 * (Wikimedia's `([A-Za-z0-9\.\-]*\.)*?`); -1 otherwise.
 */
function nextLabelStart(url: string, from: number): number {
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === DOT) return i + 1;
    if (!isAsciiLetter(c) && !(c >= 0x30 && c <= 0x39) && c !== 0x2d) return -1;
  }
  return -1;
}
