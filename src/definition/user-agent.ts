import { LRUCache } from "lru-cache";

/**
 * The `user_agent_map` of Wikimedia's webrequest table (RS `core/UAParser.java`, uap-java 1.5.3).
 * Every field is a string; a missing or empty value is `-`.
 */
export interface UserAgentMap {
  readonly browser_family: string;
  readonly browser_major: string;
  readonly device_family: string;
  readonly os_family: string;
  readonly os_major: string;
  readonly os_minor: string;
  readonly wmf_app_version: string;
}

/** One entry of a parser list in uap-core's `regexes.yaml` (see its docs/specification.md). */
export interface UapParser {
  regex: string;
  /** `i` makes a device regex case-insensitive; no other flag exists. */
  regex_flag?: string;
  family_replacement?: string;
  v1_replacement?: string;
  v2_replacement?: string;
  v3_replacement?: string;
  os_replacement?: string;
  os_v1_replacement?: string;
  os_v2_replacement?: string;
  os_v3_replacement?: string;
  os_v4_replacement?: string;
  device_replacement?: string;
  brand_replacement?: string;
  model_replacement?: string;
}

/** The shape of uap-core's `regexes.yaml`. */
export interface UapRegexes {
  user_agent_parsers: UapParser[];
  os_parsers: UapParser[];
  device_parsers: UapParser[];
}

/** A `regexes.yaml` pattern that could not be turned into a JavaScript RegExp, so is left out. */
export interface RejectedPattern {
  list: keyof UapRegexes;
  regex: string;
  reason: string;
}

export interface UserAgentParserOptions {
  /** How many distinct user agents to remember; 0 disables the cache. */
  cacheSize?: number;
}

/** Longer user agents are not parsed at all (RS `UAParser`), which also bounds regex cost. */
export const MAX_PARSED_UA_LENGTH = 400;
const DEFAULT_CACHE_SIZE = 10_000;
const NONE = "-";
const OTHER = "Other";
const WIKIPEDIA_APP_PREFIX = "WikipediaApp/";

const UNPARSED: UserAgentMap = Object.freeze({
  browser_family: NONE,
  browser_major: NONE,
  device_family: NONE,
  os_family: NONE,
  os_major: NONE,
  os_minor: NONE,
  wmf_app_version: NONE,
});

/**
 * A uap-core parser producing Wikimedia's user agent map. Each distinct user agent walks the
 * ~1,200 regexes once; later sightings are one LRU lookup. Maps are frozen because they are shared.
 */
export class UserAgentParser {
  /** Patterns left out because JavaScript cannot run them; callers should report these. */
  readonly rejectedPatterns: readonly RejectedPattern[];
  private readonly browsers: readonly CompiledRule[];
  private readonly systems: readonly CompiledRule[];
  private readonly devices: readonly CompiledRule[];
  private readonly cache: LRUCache<string, UserAgentMap> | undefined;

  constructor(regexes: UapRegexes, options: UserAgentParserOptions = {}) {
    const rejected: RejectedPattern[] = [];
    this.browsers = compileList(regexes, "user_agent_parsers", rejected, (entry) => [
      entry.family_replacement,
      entry.v1_replacement,
    ]);
    this.systems = compileList(regexes, "os_parsers", rejected, (entry) => [
      entry.os_replacement,
      entry.os_v1_replacement,
      entry.os_v2_replacement,
    ]);
    this.devices = compileList(regexes, "device_parsers", rejected, (entry) => [entry.device_replacement]);
    this.rejectedPatterns = rejected;
    const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.cache = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : undefined;
  }

  parse(userAgent: string): UserAgentMap {
    if (userAgent.length > MAX_PARSED_UA_LENGTH) return UNPARSED;
    const cached = this.cache?.get(userAgent);
    if (cached !== undefined) return cached;
    const parsed = this.parseUncached(userAgent);
    this.cache?.set(userAgent, parsed);
    return parsed;
  }

  private parseUncached(userAgent: string): UserAgentMap {
    // uap-java accepts a browser or OS match only if it yields a family; a device match always counts.
    const lowerCased = userAgent.toLowerCase();
    const browser = firstMatch(this.browsers, userAgent, lowerCased, true);
    const os = firstMatch(this.systems, userAgent, lowerCased, true);
    const device = firstMatch(this.devices, userAgent, lowerCased, false);
    return Object.freeze({
      browser_family: browser ? orNone(browser[0]) : OTHER,
      browser_major: browser ? orNone(browser[1]) : NONE,
      device_family: device ? orNone(device[0]) : OTHER,
      os_family: os ? orNone(os[0]) : OTHER,
      os_major: os ? orNone(os[1]) : NONE,
      os_minor: os ? orNone(os[2]) : NONE,
      wmf_app_version: wikipediaAppVersion(userAgent),
    });
  }
}

/** `WikipediaApp/6.7.4.1791 (iOS 14.4; Phone)` → `6.7.4.1791`; only for UAs starting with the prefix. */
export function wikipediaAppVersion(userAgent: string): string {
  if (!userAgent.startsWith(WIKIPEDIA_APP_PREFIX)) return NONE;
  const end = userAgent.indexOf(" ", WIKIPEDIA_APP_PREFIX.length);
  return orNone(userAgent.slice(WIKIPEDIA_APP_PREFIX.length, end === -1 ? undefined : end));
}

/**
 * A compiled `regexes.yaml` entry. `templates[i]` fills output field i; when absent, field i takes
 * capture group i + 1 (uap-core's default association). `literal` is text every match contains
 * (lower-cased for case-insensitive regexes): a cheap `includes` skips most regexes without running them.
 */
interface CompiledRule {
  regex: RegExp;
  ignoreCase: boolean;
  literal: string;
  templates: readonly (string | undefined)[];
}

function compileList(
  regexes: UapRegexes,
  list: keyof UapRegexes,
  rejected: RejectedPattern[],
  templatesOf: (entry: UapParser) => (string | undefined)[],
): CompiledRule[] {
  const rules: CompiledRule[] = [];
  for (const entry of regexes[list]) {
    try {
      const { source, flags } = translateJavaRegex(entry.regex);
      // uap-core defines `regex_flag` for device parsers only, and uap-java reads it nowhere else.
      const flagged = list === "device_parsers" && entry.regex_flag === "i" && !flags.includes("i");
      const regex = new RegExp(source, flagged ? `${flags}i` : flags);
      const { ignoreCase } = regex;
      rules.push({
        regex,
        ignoreCase,
        literal: requiredLiteral(source, ignoreCase),
        templates: templatesOf(entry),
      });
    } catch (error) {
      rejected.push({
        list,
        regex: entry.regex,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return rules;
}

/** The fields of the first rule whose regex matches (a search, not anchored), or undefined. */
function firstMatch(
  rules: readonly CompiledRule[],
  userAgent: string,
  lowerCased: string,
  requireFamily: boolean,
): (string | undefined)[] | undefined {
  for (const rule of rules) {
    if (rule.literal !== "" && !(rule.ignoreCase ? lowerCased : userAgent).includes(rule.literal)) continue;
    const match = rule.regex.exec(userAgent);
    if (match === null) continue;
    const fields = rule.templates.map((template, i) => fill(template, match, i + 1));
    if (!requireFamily || fields[0] !== undefined) return fields;
  }
  return undefined;
}

const PLACEHOLDER = /\$(\d)/g;

/** A replacement with `$1`…`$9` gets the groups (missing ones empty) and is trimmed. */
function fill(template: string | undefined, match: RegExpExecArray, group: number): string | undefined {
  if (template === undefined) return match[group];
  if (!template.includes("$")) return template;
  return template.replace(PLACEHOLDER, (_, digit: string) => match[Number(digit)] ?? "").trim();
}

function orNone(value: string | undefined): string {
  return value === undefined || value === "" ? NONE : value;
}

/**
 * Translates a Java regex (the dialect `regexes.yaml` is written for, since uap-java is the reference
 * here) into JavaScript. Constructs JavaScript lacks are rewritten:
 * - possessive quantifiers (`a*+`) and atomic groups (`(?>…)`) become their backtracking forms: these
 *   try the same path first, so they give the same match wherever Java matches, and keep group numbers;
 * - a leading `(?i)` becomes the `i` flag;
 * - `\A`, `\z`, `\Z` become anchors; `\Q…\E` becomes escaped literal text.
 * Constructs JavaScript would silently read differently (inline flags elsewhere, nested or
 * intersected character classes, `\p{…}` and other Java-only escapes) throw instead.
 */
export function translateJavaRegex(pattern: string): { source: string; flags: string } {
  let flags = "";
  let i = 0;
  if (pattern.startsWith("(?i)")) {
    flags = "i";
    i = 4;
  }
  let out = "";
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "\\") {
      const [text, next] = translateEscape(pattern, i);
      out += text;
      i = next;
    } else if (ch === "[") {
      const end = javaCharacterClassEnd(pattern, i);
      out += pattern.slice(i, end);
      i = end;
    } else if (ch === "(" && pattern[i + 1] === "?") {
      const [text, next] = translateGroupOpening(pattern, i);
      out += text;
      i = next;
    } else if (
      ch === "*" ||
      ch === "+" ||
      ch === "?" ||
      (ch === "{" && BOUNDED_QUANTIFIER.test(pattern.slice(i)))
    ) {
      const end = ch === "{" ? pattern.indexOf("}", i) + 1 : i + 1;
      out += pattern.slice(i, end);
      i = end;
      if (pattern[i] === "+") i++; // possessive → greedy
    } else {
      out += ch;
      i++;
    }
  }
  return { source: out, flags };
}

const BOUNDED_QUANTIFIER = /^\{\d+(,\d*)?\}/;
const UNSUPPORTED_ESCAPES = new Set(["p", "P", "h", "H", "R", "X", "G", "v", "V", "e", "a"]);

function translateEscape(pattern: string, at: number): [string, number] {
  const letter = pattern[at + 1];
  if (letter === undefined) throw new SyntaxError("trailing backslash");
  if (letter === "A") return ["^", at + 2];
  if (letter === "z") return ["$", at + 2];
  if (letter === "Z") return ["(?=\\n?$)", at + 2];
  if (letter === "Q") {
    const close = pattern.indexOf("\\E", at + 2);
    const end = close === -1 ? pattern.length : close;
    const literal = pattern.slice(at + 2, end).replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
    return [literal, close === -1 ? end : close + 2];
  }
  if (UNSUPPORTED_ESCAPES.has(letter)) throw new SyntaxError(`Java-only escape \\${letter}`);
  return [pattern.slice(at, at + 2), at + 2];
}

/** Index just past the `]` closing the character class opened at `at`. */
function javaCharacterClassEnd(pattern: string, at: number): number {
  let i = pattern[at + 1] === "^" ? at + 2 : at + 1;
  // Java reads a leading `]` as a literal, JavaScript as an empty class.
  if (pattern[i] === "]") throw new SyntaxError("character class starting with ]");
  for (; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      const letter = pattern[i + 1] ?? "";
      if (UNSUPPORTED_ESCAPES.has(letter)) throw new SyntaxError(`Java-only escape \\${letter}`);
      i++;
    } else if (ch === "]") {
      return i + 1;
    } else if (ch === "[" || (ch === "&" && pattern[i + 1] === "&")) {
      throw new SyntaxError("nested or intersected character class");
    }
  }
  throw new SyntaxError("unterminated character class");
}

const PORTABLE_GROUP = /^\(\?(?::|=|!|<=|<!|<[A-Za-z])/;

function translateGroupOpening(pattern: string, at: number): [string, number] {
  if (pattern[at + 2] === ">") return ["(?:", at + 3]; // atomic → non-capturing
  const portable = PORTABLE_GROUP.exec(pattern.slice(at, at + 4));
  if (portable === null) throw new SyntaxError(`unsupported group ${pattern.slice(at, at + 5)}…`);
  return [portable[0], at + portable[0].length];
}

/**
 * The longest run of plain characters that every match of the JavaScript regex `source` contains,
 * or "" when there is none. Only the top-level sequence counts, descending into groups that are
 * neither repeated, optional, lookarounds nor alternations. For case-insensitive regexes the run is
 * ASCII-only and lower-cased: JavaScript's non-Unicode `i` flag never folds other characters onto
 * ASCII, so a lower-cased user agent contains it whenever the regex matches.
 */
export function requiredLiteral(source: string, ignoreCase: boolean): string {
  if (hasTopLevelAlternation(source, 0, source.length)) return "";
  let longest = "";
  let run = "";
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === ")") {
      i++; // closes a group entered below; it is mandatory, so the run goes on
      continue;
    }
    if (ch === "(") {
      const end = groupEnd(source, i);
      const body = source.startsWith("(?:", i) ? i + 3 : source[i + 1] === "?" ? -1 : i + 1;
      if (
        body !== -1 &&
        quantifierEnd(source, end) === end &&
        !hasTopLevelAlternation(source, body, end - 1)
      ) {
        i = body;
        continue;
      }
      if (run.length > longest.length) longest = run;
      run = "";
      i = quantifierEnd(source, end);
      continue;
    }
    let literal: string | undefined;
    let end = i + 1;
    if (ch === "\\") {
      end = i + 2;
      const escaped = source[i + 1] ?? "";
      if (!/^[0-9A-Za-z]$/.test(escaped)) literal = escaped; // \d, \b, \1, \x41… are not literals
    } else if (ch === "[") {
      end = classEnd(source, i);
    } else if (ch !== "." && ch !== "^" && ch !== "$") {
      literal = ch;
    }
    const next = quantifierEnd(source, end);
    if (literal !== undefined && next === end && (!ignoreCase || literal.charCodeAt(0) < 0x80)) {
      run += literal;
    } else {
      if (run.length > longest.length) longest = run;
      run = "";
    }
    i = next;
  }
  if (run.length > longest.length) longest = run;
  return ignoreCase ? longest.toLowerCase() : longest;
}

/** Index past the quantifier (with any lazy `?`) starting at `at`, or `at` when there is none. */
function quantifierEnd(source: string, at: number): number {
  let end = at;
  const ch = source[at];
  if (ch === "*" || ch === "+" || ch === "?") end = at + 1;
  else if (ch === "{") end = at + (BOUNDED_QUANTIFIER.exec(source.slice(at))?.[0].length ?? 0);
  return end !== at && source[end] === "?" ? end + 1 : end;
}

function hasTopLevelAlternation(source: string, from: number, to: number): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const ch = source[i];
    if (ch === "\\") i++;
    else if (ch === "[") i = classEnd(source, i) - 1;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "|" && depth === 0) return true;
  }
  return false;
}

/** Index past the `)` closing the group opened at `at`. */
function groupEnd(source: string, at: number): number {
  let depth = 0;
  for (let i = at; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") i++;
    else if (ch === "[") i = classEnd(source, i) - 1;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i + 1;
  }
  return source.length;
}

/** Index past the `]` closing the JavaScript character class opened at `at` (`[]` and `[^]` included). */
function classEnd(source: string, at: number): number {
  let i = source[at + 1] === "^" ? at + 2 : at + 1;
  for (; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i + 1;
  }
  return source.length;
}
