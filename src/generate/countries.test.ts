import { readFileSync } from "node:fs";
import { type CountryResponse, Reader } from "maxmind";
import { describe, expect, it } from "vitest";
import { defaultGeoDatabasePath } from "../refine/geocoder.ts";
import { internalNetworks } from "./clients.ts";
import { countries } from "./countries.ts";
import { crawlers } from "./crawlers.ts";
import { addressIn, type Network, networkBounds } from "./networks.ts";
import { hashOf } from "./random.ts";

/** The geolocation database `refine` uses by default; ip-location-db records carry `country_code`. */
const database = new Reader<CountryResponse & { country_code?: string }>(
  readFileSync(defaultGeoDatabasePath),
);

function countryOf(ip: string): string | undefined {
  return database.get(ip)?.country_code;
}

/** A network's first and last address and a spread of addresses the generator draws from it. */
function probes(network: Network): string[] {
  const drawn = Array.from({ length: 50 }, (_, i) => addressIn(network, hashOf(i, network.cidr.length)));
  return [...networkBounds(network), ...drawn];
}

describe("reader networks", () => {
  const networks = countries.flatMap((c) =>
    [...c.ipv4Networks, ...c.ipv6Networks].map((n) => [c.code, n] as const),
  );

  it.each(networks.map(([code, network]) => [network.cidr, code]))("%s lies in %s", (cidr, code) => {
    const network = networks.find(([, n]) => n.cidr === cidr)?.[1] as Network;
    for (const ip of probes(network)) expect(countryOf(ip), ip).toBe(code);
  });

  it("gives every country at least one IPv4 and one IPv6 network", () => {
    for (const country of countries) {
      expect(country.ipv4Networks.length, country.code).toBeGreaterThan(0);
      expect(country.ipv6Networks.length, country.code).toBeGreaterThan(0);
    }
  });
});

describe("crawler networks", () => {
  it.each(crawlers.map((c) => [c.name, c.country]))("%s crawls from %s", (name, code) => {
    const crawler = crawlers.find((c) => c.name === name);
    for (const network of crawler?.networks ?? []) {
      for (const ip of probes(network)) expect(countryOf(ip), ip).toBe(code);
    }
  });
});

describe("internal networks", () => {
  it("are private addresses that no database locates", () => {
    for (const network of internalNetworks) {
      for (const ip of probes(network)) {
        expect(ip).toMatch(/^10\./);
        expect(countryOf(ip)).toBeUndefined();
      }
    }
  });
});
