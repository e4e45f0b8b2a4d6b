import type { AccessMethod } from "./types.ts";

/**
 * The webstatscollector project abbreviations of the hourly `pageviews`/`projectviews` dumps
 * (AR `transform_pageview_to_legacy_format.hql`): `en` = en.wikipedia, `de.m.voy` = mobile
 * de.wikivoyage, `www.wd` = wikidata.
 */

/** Project family → domain-code suffix. */
const FAMILY_SUFFIX: Readonly<Record<string, string>> = {
  wikipedia: "",
  wikibooks: ".b",
  wiktionary: ".d",
  wikimediafoundation: ".f",
  wikimedia: ".m",
  wikinews: ".n",
  wikiquote: ".q",
  wikisource: ".s",
  wikiversity: ".v",
  wikivoyage: ".voy",
  mediawiki: ".w",
  wikidata: ".wd",
};

/**
 * The HQL's two regexes in one: `^([A-Za-z0-9-]+)\.[a-z]*$` for the core (language or site) and
 * `^([A-Za-z0-9-]+\.)?(wik(ipedia|…|idata)|mediawiki)$` for the family. Wherever the family
 * regex matches, the core regex yields exactly the optional first label.
 */
const PROJECT =
  /^(?:([A-Za-z0-9-]+)\.)?(wik(?:ipedia|ibooks|tionary|imediafoundation|imedia|inews|iquote|isource|iversity|ivoyage|idata)|mediawiki)$/;

/**
 * The dump code for a project and access method: core (or `www`/`m` for single-label projects
 * such as `wikidata`), `.m` when mobile, then the family suffix. Null for families the dumps do
 * not know (e.g. `wikifunctions`).
 */
export function domainCode(project: string, accessMethod: AccessMethod): string | null {
  const match = PROJECT.exec(project);
  if (match === null) return null;
  const [, core, family] = match;
  const mobile = accessMethod !== "desktop";
  const first = core === undefined ? (mobile ? "m" : "www") : mobile ? `${core}.m` : core;
  return first + FAMILY_SUFFIX[family as string];
}

const SUFFIX_FAMILY: ReadonlyMap<string, string> = new Map(
  Object.entries(FAMILY_SUFFIX)
    .filter(([, suffix]) => suffix !== "")
    .map(([family, suffix]) => [suffix.slice(1), family]),
);

/**
 * Wikimedia sites whose desktop code `<site>.m` cannot be a Wikipedia's mobile code. Chapter and
 * user-group wikis (`ar.wikimedia`, `nyc.wikimedia`, …) use language or place codes and share
 * their code with a (real or possible) Wikipedia: such codes are read as Wikipedia mobile.
 */
const WIKIMEDIA_SITES: ReadonlySet<string> = new Set([
  "advisory",
  "commons",
  "fdc",
  "fixcopyright",
  "foundation",
  "incubator",
  "meta",
  "noc",
  "outreach",
  "quality",
  "species",
  "strategy",
  "usability",
  "wikimania",
  "wikitech",
]);

const CORE = /^[A-Za-z0-9-]+$/;

/**
 * Reads a dump domain code back into a project and whether the views were mobile (web or app,
 * which the dumps do not tell apart). `<x>.m` is ambiguous (mobile `<x>.wikipedia` or desktop
 * `<x>.wikimedia`); it is read as Wikimedia only for the sites in `WIKIMEDIA_SITES`. Null if the
 * code is not one `domainCode` can produce.
 */
export function projectFromDomainCode(code: string): { project: string; mobile: boolean } | null {
  const labels = code.split(".");
  if (!labels.every((label) => CORE.test(label))) return null;
  const [first = "", second, third] = labels;
  if (second === undefined) return oneLabelProject(first);
  if (third === undefined) return twoLabelProject(first, second);
  return labels.length === 3 && second === "m" ? withFamily(first, third, true) : null;
}

function oneLabelProject(core: string): { project: string; mobile: boolean } {
  if (core === "www") return { project: "wikipedia", mobile: false };
  if (core === "m") return { project: "wikipedia", mobile: true };
  return { project: `${core}.wikipedia`, mobile: false };
}

function twoLabelProject(first: string, second: string): { project: string; mobile: boolean } | null {
  if (first === "www") return bareFamily(second, false);
  if (first === "m") return bareFamily(second, true);
  if (second === "m" && !WIKIMEDIA_SITES.has(first)) return { project: `${first}.wikipedia`, mobile: true };
  return withFamily(first, second, false);
}

function bareFamily(suffix: string, mobile: boolean): { project: string; mobile: boolean } | null {
  const family = SUFFIX_FAMILY.get(suffix);
  return family === undefined ? null : { project: family, mobile };
}

function withFamily(
  core: string,
  suffix: string,
  mobile: boolean,
): { project: string; mobile: boolean } | null {
  const family = SUFFIX_FAMILY.get(suffix);
  return family === undefined ? null : { project: `${core}.${family}`, mobile };
}

/** pagecounts-ez family letters (RS `EZProjectConverter`); `mw`, the mobile total, is not here. */
const EZ_FAMILY: ReadonlyMap<string, string> = new Map([
  ["z", "wikipedia"],
  ["y", "wikipedia"],
  ["d", "wiktionary"],
  ["n", "wikinews"],
  ["m", "wikimedia"],
  ["b", "wikibooks"],
  ["s", "wikisource"],
  ["w", "mediawiki"],
  ["v", "wikiversity"],
  ["q", "wikiquote"],
  ["voy", "wikivoyage"],
  ["f", "wikimediafoundation"],
  ["wd", "wikidata"],
]);

/**
 * The project of a pagecounts-ez code (case-insensitive): a single word is a Wikipedia language,
 * `www.<letters>` the bare family, any `<lang>.wd` plain `wikidata`. Null for `<lang>.mw` (the
 * mobile total, counted elsewhere) and for codes the Java rejects or mangles (unknown letters,
 * empty labels, more than two labels).
 */
export function projectFromEzCode(code: string): string | null {
  const labels = code.toLowerCase().split(".");
  if (labels.some((label) => label === "")) return null;
  const [language = "", letters] = labels;
  if (letters === undefined) return `${language}.wikipedia`;
  if (labels.length > 2) return null;
  const family = EZ_FAMILY.get(letters);
  if (family === undefined) return null;
  if (language === "www" || family === "wikidata") return family;
  return `${language}.${family}`;
}
