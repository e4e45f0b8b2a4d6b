/**
 * The cache servers that log requests. Each logs its own increasing `sequence`, the field Wikimedia uses
 * (with `hostname`) to spot lost or duplicated log lines.
 */

import { hashIndex, hashOf, mix32 } from "./random.ts";

export interface CacheHost {
  /** Fully qualified: `cp3066.esams.wmnet`. */
  readonly hostname: string;
  /** The sequence number of the next request this host logs. */
  sequence: number;
}

/** First cp host number of each data centre's text cluster; eight consecutive hosts each. */
const FIRST_HOST: Record<string, number> = {
  eqiad: 1100,
  codfw: 2027,
  esams: 3066,
  ulsfo: 4037,
  eqsin: 5017,
  drmrs: 6001,
};
const HOSTS_PER_DATA_CENTRE = 8;

/** The cache hosts of one generated log, with their sequence counters. */
export class CacheFleet {
  private readonly hosts = new Map<string, CacheHost[]>();

  constructor(private readonly seed: number) {}

  /** The host serving a client: one of its region's data centres (GeoDNS), then one host (LVS), by hash. */
  hostFor(dataCentres: readonly string[], clientHash: number): CacheHost {
    const dataCentre = dataCentres[hashIndex(mix32(clientHash ^ 0xdc), dataCentres.length)] ?? "eqiad";
    const hosts = this.dataCentre(dataCentre);
    return hosts[hashIndex(clientHash, hosts.length)] as CacheHost;
  }

  private dataCentre(name: string): CacheHost[] {
    let hosts = this.hosts.get(name);
    if (!hosts) {
      const first = FIRST_HOST[name];
      if (first === undefined) throw new Error(`unknown data centre ${name}`);
      hosts = Array.from({ length: HOSTS_PER_DATA_CENTRE }, (_, i) => {
        // Counters start where a long-running host would be, different per host and per seed.
        return { hostname: `cp${first + i}.${name}.wmnet`, sequence: hashOf(this.seed, first + i) * 4 };
      });
      this.hosts.set(name, hosts);
    }
    return hosts;
  }
}
