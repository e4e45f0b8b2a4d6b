/** Longer hosts are junk or attacks; Wikimedia refuses them before any parsing. */
const MAX_HOST_LENGTH = 800;

/** Registered domains run by the Wikimedia Foundation or its affiliates (from its CDN config). */
const WMF_DOMAINS: ReadonlySet<string> = new Set([
  "wikimedia.org",
  "wikibooks.org",
  "wikinews.org",
  "wikipedia.org",
  "wikiquote.org",
  "wikisource.org",
  "wiktionary.org",
  "wikiversity.org",
  "wikivoyage.org",
  "wikidata.org",
  "wikifunctions.org",
  "mediawiki.org",
  "wikimediafoundation.org",
  "wikiworkshop.org",
  "wmfusercontent.org",
  "wmflabs.org",
  "wmcloud.org",
  "toolforge.org",
]);

/**
 * Labels that say how a site is reached rather than which wiki it is (`en.m.wikipedia.org` is
 * the wiki `en.wikipedia`).
 */
const HOST_QUALIFIERS: ReadonlySet<string> = new Set(["m", "mobile", "wap", "zero", "www", "download"]);

/** Whether the host belongs to a domain the Wikimedia Foundation operates (any subdomain, any service). */
export function isWmfHostname(host: string): boolean {
  if (host.length > MAX_HOST_LENGTH) return false;
  const name = stripTrailingDots(host.toLowerCase());
  const lastDot = name.lastIndexOf(".");
  if (lastDot < 0) return false;
  // With fewer than two labels, `domainStart` is 0 and the "domain" keeps its dot, so it never matches.
  const domainStart = lastDot === 0 ? 0 : name.lastIndexOf(".", lastDot - 1) + 1;
  return WMF_DOMAINS.has(name.slice(domainStart));
}

function stripTrailingDots(name: string): string {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 0x2e) end--;
  return end === name.length ? name : name.slice(0, end);
}

// The three host shapes that serve wiki content (Wikimedia's regexes, with their own anchors).
const WIKIMEDIA_ORG_WIKI =
  /^(?!doc)(advisory|commons|foundation|incubator|meta|outreach|species|strategy|usability|wikimania|wikitech|[a-zA-Z]{2,3})\.((m|mobile|wap|zero)\.)?wikimedia\.org\.?$/;
const OTHER_PROJECT_WIKI =
  /^((?!test)(?!query)([a-zA-Z0-9_-]+)\.)*(wikifunctions|wikidata|mediawiki|wikimediafoundation)\.org\.?$/;
const PROJECT_FAMILY_WIKI =
  /^((?!www)(?!donate)(?!arbcom)(?!sysop)([a-zA-Z][a-zA-Z0-9_-]*)\.)*(wik(ibooks|inews|ipedia|iquote|isource|tionary|iversity|ivoyage))\.org\.?$/;

/**
 * Whether the host is a public wiki whose pages count as pageviews: the project families, the
 * content wikis on wikimedia.org, Wikidata, Wikifunctions, MediaWiki.org and the Foundation site;
 * not portals (`www.wikipedia.org`), fundraising, private wikis, test or query services.
 */
export function isPageviewHostname(host: string): boolean {
  const name = host.toLowerCase();
  return PROJECT_FAMILY_WIKI.test(name) || WIKIMEDIA_ORG_WIKI.test(name) || OTHER_PROJECT_WIKI.test(name);
}

/**
 * The project a host serves, as Wikimedia names it (`en.m.wikipedia.org` → `en.wikipedia`,
 * `www.wikidata.org` → `wikidata`), or `-`. Meaningful for pageview hosts only.
 */
export function projectFromHost(host: string): string {
  if (host.length > MAX_HOST_LENGTH) return "-";
  const labels = splitLikeJava(host.toLowerCase(), ".");
  const first = labels[0] ?? "";
  switch (labels.length) {
    case 2:
      return first;
    case 3:
    case 4:
    case 5: {
      const family = labels[labels.length - 2] ?? "";
      return HOST_QUALIFIERS.has(first) ? family : `${first}.${family}`;
    }
    default:
      return "-";
  }
}

/**
 * Java's `String.split`: trailing empty strings are dropped (`"a.b."` gives two labels), so that
 * hosts with a trailing dot get the same project as without.
 */
function splitLikeJava(text: string, separator: string): string[] {
  const parts = text.split(separator);
  if (parts.length === 1) return parts;
  let end = parts.length;
  while (end > 0 && parts[end - 1] === "") end--;
  parts.length = end;
  return parts;
}

export interface NormalizedHost {
  projectFamily: string;
  project: string;
  qualifiers: string[];
  tld: string;
}

const ALL_DIGITS = /^[0-9]+$/;
const DOT_OR_SLASH_RUNS = /[/.]+/g;

/**
 * Splits a host into project family, project, qualifiers and TLD
 * (`en.m.zero.wikipedia.org` → wikipedia, en, [m, zero], org). Unknown parts are `-`; an IP
 * address or a single label gives all `-`.
 */
export function normalizeHost(host: string): NormalizedHost {
  const result: NormalizedHost = { projectFamily: "-", project: "-", qualifiers: [], tld: "-" };
  if (host.trim() === "") return result;
  const port = host.indexOf(":");
  const name = (port < 0 ? host : host.slice(0, port)).replace(DOT_OR_SLASH_RUNS, ".").toLowerCase();
  const labels = splitLikeJava(name, ".");
  const n = labels.length;
  const tld = labels[n - 1] ?? "";
  if (n <= 1 || ALL_DIGITS.test(tld)) return result;

  result.projectFamily = labels[n - 2] ?? "";
  result.tld = tld;
  const first = labels[0] ?? "";
  if (n > 2 && first !== "www") {
    if (HOST_QUALIFIERS.has(first)) result.qualifiers.push(first);
    else result.project = first;
  }
  for (let i = 1; i < n - 2; i++) result.qualifiers.push(labels[i] ?? "");
  return result;
}
