import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LRUCache } from "lru-cache";
import { type CountryResponse, Reader } from "maxmind";
import { continentOf, countryName } from "../definition/countries.ts";
import {
  ipText,
  isSpecialPurpose,
  networkOriginOf,
  newIpAddress,
  parseIp,
} from "../definition/network-origin.ts";

/**
 * Where a request came from, to country level (spec section 6, "Geocoding"). Wikimedia also keeps
 * subdivision, city and timezone; this project deliberately stops at the country.
 */
export interface GeoLocation {
  readonly continent: string;
  readonly country_code: string;
  readonly country: string;
}

const UNKNOWN = "Unknown";
const UNKNOWN_CODE = "--";

export const unknownLocation: GeoLocation = Object.freeze({
  continent: UNKNOWN,
  country_code: UNKNOWN_CODE,
  country: UNKNOWN,
});

const require = createRequire(import.meta.url);

/** The openly licensed country database bundled through npm (IPv4 and IPv6 in one file). */
export const defaultGeoDatabasePath: string = join(
  dirname(require.resolve("@ip-location-db/geo-whois-asn-country-mmdb/package.json")),
  "geo-whois-asn-country.mmdb",
);

/** Required by the CC BY 4.0 licence of the bundled database's registry data. */
export const defaultGeoDatabaseAttribution: string =
  "IP geolocation by geo-whois-asn-country from ip-location-db (https://github.com/sapics/ip-location-db), " +
  "built from Regional Internet Registry data © Number Resource Organization (https://www.nro.net/), " +
  "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).";

/**
 * The fields read from a database record. MaxMind Country and City databases name the continent
 * and country; ip-location-db databases carry only `country_code`.
 */
interface GeoRecord {
  readonly continent?: { readonly names?: { readonly en?: string } };
  readonly country?: { readonly iso_code?: string; readonly names?: { readonly en?: string } };
  readonly country_code?: string;
}

/** A country database has a few hundred distinct records; a City database far more. */
const DECODED_RECORDS_CACHED = 10_000;

/** Looks up the country of client IPs in a MaxMind DB (`.mmdb`) file. */
export class Geocoder {
  /** The database's own description of its kind, e.g. `GeoIP2-City` or `country ipvAll`. */
  readonly databaseType: string;
  readonly #reader: Reader<CountryResponse>;
  readonly #address = newIpAddress();
  /** The reader caches decoded records, so a location is built once per record, not per request. */
  readonly #locations = new WeakMap<GeoRecord, GeoLocation>();

  private constructor(reader: Reader<CountryResponse>) {
    this.#reader = reader;
    this.databaseType = reader.metadata.databaseType;
  }

  /** Opens a database, by default the bundled one. Reads the whole file into memory. */
  static open(path: string = defaultGeoDatabasePath): Geocoder {
    let database: Buffer;
    try {
      database = readFileSync(path);
    } catch (error) {
      throw new Error(`Cannot read the geo database ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      // The decoder's cache is keyed by record offset: records are shared by many networks.
      const cache = new LRUCache<number, object>({ max: DECODED_RECORDS_CACHED });
      return new Geocoder(new Reader<CountryResponse>(database, { cache }));
    } catch (error) {
      throw new Error(`${path} is not a usable MaxMind DB (.mmdb) file: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * The location of `ip`. Only addresses whose network origin is `internet` are looked up; the
   * rest, invalid and special-purpose addresses, and addresses the database does not know get
   * `unknownLocation`.
   */
  lookup(ip: string): GeoLocation {
    const address = this.#address;
    if (!parseIp(ip, address) || networkOriginOf(address) !== "internet") return unknownLocation;
    // MaxMind databases know nothing of private and other special-purpose addresses, but the bundled
    // database places some private blocks (172.16.0.0/12, 192.168.0.0/16) in Australia.
    if (isSpecialPurpose(address)) return unknownLocation;
    // The reader is given the canonical text, since it does not accept every IPv6 spelling of an IPv4 address.
    const record = this.#reader.get(ipText(address)) as GeoRecord | null;
    if (record === null) return unknownLocation;
    let location = this.#locations.get(record);
    if (location === undefined) {
      location = locationOf(record);
      this.#locations.set(record, location);
    }
    return location;
  }
}

/**
 * Each field falls back to Unknown on its own, as in refinery. Names missing from the record
 * (always, for ip-location-db) come from the country code.
 */
function locationOf(record: GeoRecord): GeoLocation {
  const continent = record.continent?.names?.en;
  const code = record.country?.iso_code ?? record.country_code;
  if (code === undefined) return Object.freeze({ ...unknownLocation, continent: continent ?? UNKNOWN });
  return Object.freeze({
    continent: continent ?? continentOf(code) ?? UNKNOWN,
    country_code: code,
    country: record.country?.names?.en ?? countryName(code) ?? UNKNOWN,
  });
}
