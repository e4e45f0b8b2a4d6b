/**
 * Title spaces: a popularity rank maps to a page title, its page id and namespace, deterministically and
 * without a table. A few real titles head each wiki; past them, a bijective shuffle spreads the ranks over
 * the patterns of a composer, so that neighbouring ranks look unrelated and distinct ranks stay distinct.
 */

import type { Lexicon } from "./lexicons.ts";
import { mix32 } from "./random.ts";

/** A hand-picked title, placed at the top of a wiki's popularity ranking. */
export interface HeadTitle {
  readonly title: string;
  readonly ns: number;
}

/** Builds generated titles from an index in [0, size). Distinct indices must give distinct titles. */
export interface TitleComposer {
  readonly size: number;
  compose(index: number): string;
  namespace(index: number): number;
}

/** Ranks up to this are cached after first use: Zipf popularity sends most requests there. */
const CACHED_RANKS = 1 << 16;
const PAGE_ID_BITS = 27;

export class TitleSpace {
  /** Number of ranks, 1-based: ranks run from 1 to `size`. */
  readonly size: number;
  private readonly shuffleBits: number;
  private readonly titles: (string | undefined)[] = [];
  private readonly paths: (string | undefined)[] = [];
  private lastRank = 0;
  private lastPath = "";

  constructor(
    private readonly key: number,
    private readonly head: readonly HeadTitle[],
    private readonly composer: TitleComposer,
  ) {
    this.size = head.length + composer.size;
    this.shuffleBits = Math.max(2, Math.ceil(Math.log2(composer.size)));
    if (this.shuffleBits > 30) throw new Error("a title space is limited to 2^30 titles");
  }

  /** The title as MediaWiki spells it in a link: spaces as `_`, not percent-encoded. */
  title(rank: number): string {
    if (rank <= CACHED_RANKS) {
      const cached = this.titles[rank];
      if (cached !== undefined) return cached;
      const title = this.computeTitle(rank);
      this.titles[rank] = title;
      return title;
    }
    return this.computeTitle(rank);
  }

  /** The title as it appears in a URL path (`/wiki/<this>`), percent-encoded the MediaWiki way. */
  pathTitle(rank: number): string {
    if (rank <= CACHED_RANKS) {
      const cached = this.paths[rank];
      if (cached !== undefined) return cached;
      const path = encodeTitle(this.title(rank));
      this.paths[rank] = path;
      return path;
    }
    // Past the cache, remember the last path: an article's path is asked for again for the next referer.
    if (rank !== this.lastRank) {
      this.lastRank = rank;
      this.lastPath = encodeTitle(this.computeTitle(rank));
    }
    return this.lastPath;
  }

  /** A page id that is stable per title and distinct between titles of the same wiki. */
  pageId(rank: number): number {
    return shuffle(rank, PAGE_ID_BITS, this.key ^ 0x5a17) + 1;
  }

  namespace(rank: number): number {
    const head = this.head[rank - 1];
    return head ? head.ns : this.composer.namespace(this.composedIndex(rank));
  }

  private computeTitle(rank: number): string {
    if (rank < 1 || rank > this.size) throw new RangeError(`rank ${rank} outside 1..${this.size}`);
    const head = this.head[rank - 1];
    return head ? head.title : this.composer.compose(this.composedIndex(rank));
  }

  /** Cycle-walking a bijection of [0, 2^bits) restricts it to a bijection of [0, size). */
  private composedIndex(rank: number): number {
    let index = rank - this.head.length - 1;
    do index = shuffle(index, this.shuffleBits, this.key);
    while (index >= this.composer.size);
    return index;
  }
}

/**
 * A bijection of [0, 2^bits) for bits ≤ 30: xor with a key, multiplications by odd constants and
 * xor-shifts, each invertible modulo 2^bits.
 */
function shuffle(x: number, bits: number, key: number): number {
  const mask = bits >= 31 ? 0x7fffffff : (1 << bits) - 1;
  const shift = (bits + 1) >> 1;
  let h = (x ^ mix32(key)) & mask;
  h = Math.imul(h, 0x2c1b3c6d) & mask;
  h ^= h >>> shift;
  h = Math.imul(h, 0x297a2d39) & mask;
  h ^= h >>> shift;
  h = Math.imul(h, 0x9e3779b1) & mask;
  h ^= h >>> shift;
  return h;
}

const KEPT_IN_PATHS = /%(2F|3A|2C|3B|40|24)/g;
const KEPT_CHARACTERS: Record<string, string> = {
  "%2F": "/",
  "%3A": ":",
  "%2C": ",",
  "%3B": ";",
  "%40": "@",
  "%24": "$",
};

/** Titles made only of characters that paths carry literally, the common case in ASCII wikis. */
const LITERAL_IN_PATHS = /^[A-Za-z0-9_\-.~!*'(),:/;@$]*$/;

/** Percent-encodes a title for a URL path as MediaWiki does: `/`, `:`, `,`, `;`, `@`, `$` stay literal. */
export function encodeTitle(title: string): string {
  if (LITERAL_IN_PATHS.test(title)) return title;
  return encodeURIComponent(title).replace(KEPT_IN_PATHS, (match) => KEPT_CHARACTERS[match] ?? match);
}

/** A family of titles built from lists: `render` receives one index per list. */
interface Pattern {
  readonly share: number;
  readonly lists: readonly (readonly string[])[];
  readonly ns?: number;
  render(parts: readonly string[]): string;
}

/**
 * Composes titles from patterns, each owning a slice of the index range sized by its share (never more
 * than the pattern can produce). Within a slice the index is read as a mixed-radix number, one digit per
 * word list, so each index yields one combination and each combination one title.
 */
export class PatternComposer implements TitleComposer {
  readonly size: number;
  private readonly starts: number[] = [];
  private readonly spreads: number[] = [];
  private readonly patterns: readonly Pattern[];

  constructor(size: number, patterns: readonly Pattern[]) {
    this.patterns = patterns;
    for (const pattern of patterns) {
      for (const list of pattern.lists) assertDistinct(list);
    }
    const capacities = patterns.map((p) => p.lists.reduce((n, list) => n * list.length, 1));
    const totalShare = patterns.reduce((sum, p) => sum + p.share, 0);
    const slices = patterns.map((p, i) =>
      Math.min(capacities[i] as number, Math.floor((p.share / totalShare) * size)),
    );
    let missing = size - slices.reduce((sum, n) => sum + n, 0);
    // Hand what capped patterns could not take to those with room left, largest room first.
    const byRoom = patterns.map((_, i) => i).sort((a, b) => room(b) - room(a));
    function room(i: number): number {
      return (capacities[i] as number) - (slices[i] as number);
    }
    for (const i of byRoom) {
      const extra = Math.min(missing, room(i));
      slices[i] = (slices[i] as number) + extra;
      missing -= extra;
    }
    if (missing > 0) throw new Error(`patterns can produce only ${size - missing} of ${size} titles`);
    let start = 0;
    slices.forEach((slice, i) => {
      this.starts.push(start);
      this.spreads.push(slice > 0 ? (capacities[i] as number) / slice : 1);
      start += slice;
    });
    this.size = size;
  }

  compose(index: number): string {
    const p = this.patternAt(index);
    const pattern = this.patterns[p] as Pattern;
    // Spread the slice over the whole capacity (an increasing, so injective, map): every word list then
    // contributes its full variety, not only the lists read first.
    let digits = Math.floor((index - (this.starts[p] as number)) * (this.spreads[p] as number));
    const parts: string[] = [];
    for (const list of pattern.lists) {
      parts.push(list[digits % list.length] as string);
      digits = Math.floor(digits / list.length);
    }
    return pattern.render(parts);
  }

  namespace(index: number): number {
    return this.patterns[this.patternAt(index)]?.ns ?? 0;
  }

  private patternAt(index: number): number {
    let p = this.starts.length - 1;
    while ((this.starts[p] as number) > index) p--;
    return p;
  }
}

function assertDistinct(list: readonly string[]): void {
  const seen = new Set<string>();
  for (const word of list) {
    if (seen.has(word)) throw new Error(`word list repeats "${word}"`);
    seen.add(word);
  }
}

const YEARS = Array.from({ length: 226 }, (_, i) => String(1800 + i));

/** Fills `{p}` (or `{y}`, `{y1}`, `{yy}` for a year) in a template. */
function fill(template: string, key: "p" | "y", value: string): string {
  if (key === "p") return template.replace("{p}", value);
  const next = String(Number(value) + 1);
  return template.replace("{y}", value).replace("{y1}", next).replace("{yy}", next.slice(-2));
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The patterns of a Wikipedia in one language: people, places, things about places, works, years. */
export function wikipediaComposer(lexicon: Lexicon, size: number): PatternComposer {
  const { person, place, works } = lexicon;
  const initials = person.initials.length > 0 ? ["", ...person.initials.map((i) => `_${i}.`)] : [""];
  const placeCore = (parts: readonly string[]): string => `${parts[0]}${parts[1]}${parts[2]}`;
  const placeLists = [place.modifiers, place.stems, place.suffixes];
  const personSeparator = person.order === "given-first" ? "_" : "";
  return new PatternComposer(size, [
    {
      share: 0.32,
      lists: [person.given, initials, person.family, person.qualifiers],
      render: ([given, initial, family, qualifier]) =>
        person.order === "given-first"
          ? `${given}${initial}${personSeparator}${family}${qualifier}`
          : `${family}${given}${qualifier}`,
    },
    {
      share: 0.2,
      lists: [...placeLists, place.regions],
      render: (parts) =>
        place.regionStyle === "comma"
          ? `${placeCore(parts)},_${parts[3]}`
          : `${placeCore(parts)}_(${parts[3]})`,
    },
    {
      share: 0.3,
      lists: [lexicon.placeTopics, ...placeLists],
      render: ([topic, ...core]) => fill(topic as string, "p", placeCore(core)),
    },
    {
      share: 0.15,
      lists: [works.heads, works.tails, works.qualifiers],
      render: ([head, tail, qualifier]) => `${head}${works.joiner}${tail}${qualifier}`,
    },
    {
      share: 0.005,
      lists: [lexicon.yearTopics, YEARS],
      render: ([topic, year]) => fill(topic as string, "y", year as string),
    },
    {
      // Titles with a slash ("AC/DC", "Input/output") exercise the definition's path handling.
      share: 0.008,
      lists: [works.tails, works.tails],
      render: ([a, b]) => `${capitalise(a as string)}/${b}`,
    },
  ]);
}

const SYLLABLES = [
  ..."kstnmrlbdgpvz".split("").flatMap((consonant) => ["a", "e", "i", "o", "u"].map((v) => consonant + v)),
  "shi",
  "chi",
  "tsu",
  "wa",
  "ya",
  "yo",
];

/** Wiktionary entries: invented words of two to four syllables ("kasumi", "belodira"). */
export function wiktionaryComposer(size: number): PatternComposer {
  const word = (parts: readonly string[]) => parts.join("");
  return new PatternComposer(size, [
    { share: 0.01, lists: [SYLLABLES, SYLLABLES], render: word },
    { share: 0.2, lists: [SYLLABLES, SYLLABLES, SYLLABLES], render: word },
    { share: 0.79, lists: [SYLLABLES, SYLLABLES, SYLLABLES, SYLLABLES], render: word },
  ]);
}

const COMMONS_SUBJECTS = [
  "church",
  "castle",
  "bridge",
  "station",
  "harbour",
  "market",
  "street",
  "view",
  "panorama",
  "sunset",
  "town_hall",
  "museum",
  "park",
  "river",
  "lighthouse",
  "mill",
  "chapel",
  "tower",
  "square",
  "interior",
];
const COMMONS_YEARS = Array.from({ length: 21 }, (_, i) => String(2005 + i));
const COMMONS_NUMBERS = Array.from({ length: 40 }, (_, i) => String(i + 1).padStart(2, "0"));
const COMMONS_EXTENSIONS = ["jpg", "JPG", "png", "webp"];

/** Wikimedia Commons: file description pages (namespace 6) and categories (namespace 14). */
export function commonsComposer(lexicon: Lexicon, size: number): PatternComposer {
  const { modifiers, stems, suffixes } = lexicon.place;
  return new PatternComposer(size, [
    {
      share: 0.93,
      ns: 6,
      lists: [
        modifiers,
        stems,
        suffixes,
        COMMONS_SUBJECTS,
        COMMONS_YEARS,
        COMMONS_NUMBERS,
        COMMONS_EXTENSIONS,
      ],
      render: ([m, s, x, subject, year, n, ext]) => `File:${m}${s}${x}_${subject}_${year}_${n}.${ext}`,
    },
    {
      share: 0.07,
      ns: 14,
      lists: [modifiers, stems, suffixes, COMMONS_YEARS],
      render: ([m, s, x, year]) => `Category:${m}${s}${x}_in_${year}`,
    },
  ]);
}

/** Wikidata items, `Q1` to `Q<size>`. */
export function wikidataComposer(size: number): TitleComposer {
  return {
    size,
    compose: (index) => `Q${index + 1}`,
    namespace: () => 0,
  };
}
