import { existsSync, readFileSync } from "node:fs";
import { type CountryResponse, Reader } from "maxmind";
import { describe, expect, it } from "vitest";
import { conformancePath } from "../../test/support/conformance.ts";
import { continentOf, countryName } from "../definition/countries.ts";
import { defaultGeoDatabasePath, Geocoder, type GeoLocation, unknownLocation } from "./geocoder.ts";

const unitedKingdom: GeoLocation = { continent: "Europe", country_code: "GB", country: "United Kingdom" };
const unitedStates: GeoLocation = {
  continent: "North America",
  country_code: "US",
  country: "United States",
};

const maxMindTestDatabases = ["GeoIP2-City-Test.mmdb", "GeoIP2-Country-Test.mmdb"];

describe.each(maxMindTestDatabases)("Geocoder on MaxMind's %s", (name) => {
  const geocoder = Geocoder.open(conformancePath(name));

  it("reports the database type", () => {
    expect(geocoder.databaseType).toBe(name.replace("-Test.mmdb", ""));
  });

  it.each(["81.2.69.160", "::ffff:81.2.69.160", "::ffff:5102:45a0"])(
    "places %s in the United Kingdom, as refinery's TestMaxMindGeocode does",
    (ip) => {
      expect(geocoder.lookup(ip)).toEqual(unitedKingdom);
    },
  );

  it.each(["-", "", "xyzzy"])("gives %j the unknown location", (ip) => {
    expect(geocoder.lookup(ip)).toEqual({ continent: "Unknown", country_code: "--", country: "Unknown" });
  });

  it("uses the country, not the registered country (FR here)", () => {
    expect(geocoder.lookup("2.125.160.216")).toEqual(unitedKingdom);
  });

  it("keeps a continent that comes without a country", () => {
    expect(geocoder.lookup("2a02:d500::1")).toEqual({
      continent: "Europe",
      country_code: "--",
      country: "Unknown",
    });
  });

  it("does not look up Wikimedia addresses the database knows", () => {
    expect(geocoder.lookup("2a02:ec80::1")).toBe(unknownLocation);
  });

  it("gives addresses missing from the database the unknown location", () => {
    expect(geocoder.lookup("8.8.8.8")).toBe(unknownLocation);
  });
});

describe("Geocoder on the default database", () => {
  const geocoder = Geocoder.open();

  it("opens the bundled combined IPv4 and IPv6 database", () => {
    expect(existsSync(defaultGeoDatabasePath)).toBe(true);
    expect(defaultGeoDatabasePath).toMatch(/geo-whois-asn-country\.mmdb$/);
    expect(geocoder.lookup("2001:4860:4860::8888")).toEqual(unitedStates);
  });

  it.each([
    ["8.8.8.8", "US", "United States", "North America"],
    ["::ffff:8.8.8.8", "US", "United States", "North America"],
    ["1.1.1.1", "AU", "Australia", "Oceania"],
    ["193.0.6.139", "NL", "Netherlands", "Europe"],
    ["2001:67c:2e8:22::c100:68b", "NL", "Netherlands", "Europe"],
    ["133.242.0.1", "JP", "Japan", "Asia"],
    ["200.160.2.3", "BR", "Brazil", "South America"],
    ["41.0.0.1", "ZA", "South Africa", "Africa"],
  ])("places %s in %s (%s, %s)", (ip, country_code, country, continent) => {
    expect(geocoder.lookup(ip)).toEqual({ continent, country_code, country });
  });

  it.each(["10.64.0.162", "185.15.56.1", "2620:0:861::1", "::ffff:10.64.0.162"])(
    "does not look up the Wikimedia address %s",
    (ip) => {
      expect(geocoder.lookup(ip)).toBe(unknownLocation);
    },
  );

  // The database itself places 172.16.0.0/12 and 192.168.0.0/16 in Australia.
  it.each(["192.168.1.1", "172.20.0.1", "127.0.0.1", "100.64.0.1", "::1", "fd00::1", "fe80::1"])(
    "gives the special-purpose address %s the unknown location",
    (ip) => {
      expect(geocoder.lookup(ip)).toBe(unknownLocation);
    },
  );

  it("returns the same location object for addresses that share a record", () => {
    expect(geocoder.lookup("8.8.4.4")).toBe(geocoder.lookup("8.8.8.8"));
  });
});

describe("Geocoder's own search-tree walk", () => {
  // mmdb-lib's reader is the reference: the geocoder must find the same record for any address.
  it.each([defaultGeoDatabasePath, ...maxMindTestDatabases.map(conformancePath)])(
    "agrees with the maxmind reader on %s",
    (path) => {
      const geocoder = Geocoder.open(path);
      const reader = new Reader<CountryResponse>(readFileSync(path));
      const random = seededRandom(7);
      const disagreements: string[] = [];
      for (let i = 0; i < 20_000; i++) {
        const ip = i % 2 === 0 ? randomIpv4(random) : randomIpv6(random);
        const expected = expectedCode(reader, ip);
        const actual = geocoder.lookup(ip).country_code;
        if (actual !== expected) disagreements.push(`${ip}: ${actual} != ${expected}`);
      }
      expect(disagreements).toEqual([]);
    },
  );
});

describe("countries.ts against the databases", () => {
  it("names every country code that the default database returns", () => {
    const reader = new Reader<CountryResponse>(readFileSync(defaultGeoDatabasePath));
    const codes = new Set<string>();
    // Reader has no iterator, so walk the whole address space network by network: each lookup
    // reports the prefix length of the network it found, and the next network starts after it.
    for (let network = 0n; network < 1n << 128n; ) {
      const [record, prefixLength] = reader.getWithPrefixLength(ipv6Text(network));
      const code = (record as { country_code?: string } | null)?.country_code;
      if (code !== undefined) codes.add(code);
      network += 1n << BigInt(128 - prefixLength);
    }
    expect(codes.size).toBeGreaterThan(200);
    const unnamed = [...codes].filter((code) => !countryName(code) || !continentOf(code));
    expect(unnamed).toEqual([]);
  });

  it("puts every country of MaxMind's test database on MaxMind's continent", () => {
    const reader = new Reader<CountryResponse>(readFileSync(conformancePath("GeoIP2-Country-Test.mmdb")));
    const mismatches: string[] = [];
    let countries = 0;
    for (let network = 0n; network < 1n << 128n; ) {
      const [record, prefixLength] = reader.getWithPrefixLength(ipv6Text(network));
      if (record?.country && record.continent) {
        countries++;
        const ours = continentOf(record.country.iso_code);
        if (ours !== record.continent.names.en) mismatches.push(`${record.country.iso_code}: ${ours}`);
      }
      network += 1n << BigInt(128 - prefixLength);
    }
    expect(countries).toBeGreaterThan(40);
    expect(mismatches).toEqual([]);
  });
});

describe("Geocoder.open", () => {
  it("names the path of a missing database", () => {
    expect(() => Geocoder.open("/nonexistent/GeoLite2-Country.mmdb")).toThrow(
      /\/nonexistent\/GeoLite2-Country\.mmdb/,
    );
  });

  it("names the path of a file that is not a MaxMind DB", () => {
    const path = conformancePath("pageview_test_data.csv");
    expect(() => Geocoder.open(path)).toThrow(`${path} is not a usable MaxMind DB`);
  });
});

function expectedCode(reader: Reader<CountryResponse>, ip: string): string {
  const record = reader.get(ip) as (CountryResponse & { country_code?: string }) | null;
  return record?.country?.iso_code ?? record?.country_code ?? "--";
}

function ipv6Text(address: bigint): string {
  return (address.toString(16).padStart(32, "0").match(/.{4}/g) ?? []).join(":");
}

/** Public-looking addresses, avoiding Wikimedia and special-purpose networks so that both sides look them up. */
function randomIpv4(random: () => number): string {
  const first = [1, 2, 5, 8, 24, 31, 41, 45, 58, 77, 81, 89, 102, 128, 175, 196, 200, 216][
    (random() * 18) | 0
  ];
  return `${first}.${(random() * 256) | 0}.${(random() * 256) | 0}.${(random() * 256) | 0}`;
}

function randomIpv6(random: () => number): string {
  const group = () => ((random() * 0x10000) | 0).toString(16);
  return `2${((random() * 0x400) | 0).toString(16).padStart(3, "0")}:${group()}:${group()}:${group()}::${group()}`;
}

/** mulberry32: a small seeded generator, so failures reproduce. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
