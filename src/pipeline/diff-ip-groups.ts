/**
 * The "diff-IP" features of Wikimedia's bot detection: within one hour, diff views
 * (`/w/index.php?…diff=…`) are grouped by (domain, page, country), and each IP is scored by the
 * largest group it shares and by how many groups it is in. Scrapers walking revision diffs from
 * many addresses, or one address sweeping many pages' diffs, stand out; readers who reached a diff
 * from the page history or from another diff are set aside as likely human.
 */

/** What one request says about diffs. Every key is a page title; none identifies a person. */
export interface DiffEvidence {
  /** Lower-cased `uri_host`: groups are per wiki site. */
  domain: string;
  countryCode: string;
  /** The page whose diff this request viewed; `null` when it is not a diff view with a title. */
  diffPageKey: string | null;
  /** The page whose history (`action=history`) this request viewed: a human reaches diffs this way. */
  historyPageKey: string | null;
  /** The referer's `title=` when this diff was opened from another diff: also how humans browse. */
  refererDiffPageKey: string | null;
}

export interface DiffIpFeatures {
  /** The size (distinct IPs) of the largest diff group the IP is in. */
  maxDiffIpGroupSize: number;
  /** How many diff groups the IP is in. */
  diffIpGroupCount: number;
}

export const NO_DIFF_IP_FEATURES: Readonly<DiffIpFeatures> = Object.freeze({
  maxDiffIpGroupSize: 0,
  diffIpGroupCount: 0,
});

// Separates key parts. Titles and hosts cannot hold NUL; a referer title that does could only make
// its own IP look human, which viewing the page history does as well.
const SEP = "\u0000";

/** Collects one hour of diff evidence; memory is proportional to the distinct diff views, not requests. */
export class DiffIpGroupsBuilder {
  /** (domain, page, country) → the IPs that viewed that page's diffs from that country. */
  readonly #groups = new Map<string, Set<string>>();
  /** (domain, page, ip) for every diff view, to match against the human evidence. */
  readonly #viewed = new Set<string>();
  /** (domain, page, ip) → ip, for every history view or diff-to-diff navigation. */
  readonly #humanPaths = new Map<string, string>();

  add(ipKey: string, evidence: DiffEvidence): void {
    const { domain, diffPageKey, historyPageKey, refererDiffPageKey } = evidence;
    if (diffPageKey !== null) {
      const groupKey = domain + SEP + diffPageKey + SEP + evidence.countryCode;
      let ips = this.#groups.get(groupKey);
      if (ips === undefined) {
        ips = new Set();
        this.#groups.set(groupKey, ips);
      }
      ips.add(ipKey);
      this.#viewed.add(domain + SEP + diffPageKey + SEP + ipKey);
    }
    if (historyPageKey !== null) this.#humanPaths.set(domain + SEP + historyPageKey + SEP + ipKey, ipKey);
    if (refererDiffPageKey !== null) {
      this.#humanPaths.set(domain + SEP + refererDiffPageKey + SEP + ipKey, ipKey);
    }
  }

  /** The features of every IP in at least one group; IPs not in the map have none (0, 0). */
  build(): Map<string, DiffIpFeatures> {
    const likelyHuman = this.#likelyHumanIps();
    const features = new Map<string, DiffIpFeatures>();
    for (const ips of this.#groups.values()) {
      let size = 0;
      for (const ip of ips) if (!likelyHuman.has(ip)) size++;
      if (size === 0) continue;
      for (const ip of ips) {
        if (likelyHuman.has(ip)) continue;
        const current = features.get(ip);
        if (current === undefined) {
          features.set(ip, { maxDiffIpGroupSize: size, diffIpGroupCount: 1 });
        } else {
          current.maxDiffIpGroupSize = Math.max(current.maxDiffIpGroupSize, size);
          current.diffIpGroupCount++;
        }
      }
    }
    return features;
  }

  /**
   * IPs that viewed a page's history, or came from another diff of it, and also viewed a diff of
   * that same page in the hour. As in Wikimedia's HQL, such an IP leaves every group, not only
   * that page's.
   */
  #likelyHumanIps(): Set<string> {
    const humans = new Set<string>();
    for (const [path, ip] of this.#humanPaths) if (this.#viewed.has(path)) humans.add(ip);
    return humans;
  }
}
