/**
 * Clients: who sends the requests. A reader's attributes (country, address, browser, language) are
 * derived from its id by hashing, so a returning reader looks the same on every visit.
 */

import type { AccessMethod } from "../definition/types.ts";
import type { CacheFleet, CacheHost } from "./cdn.ts";
import { type Country, readerCountries } from "./countries.ts";
import type { Crawler } from "./crawlers.ts";
import { addressIn, type Network, parseNetwork } from "./networks.ts";
import { hashIndex, hashOf, mix32, Weighted } from "./random.ts";
import { appAgents, desktopBrowsers, mobileBrowsers } from "./user-agents.ts";

export interface Client {
  readonly ip: string;
  readonly userAgent: string;
  readonly acceptLanguage: string;
  readonly access: AccessMethod;
  /** Readers only: crawlers and scripts speak no particular country's language. */
  readonly country: Country | undefined;
  readonly cache: CacheHost;
  /** The TLS parameters the client negotiated, as logged in webrequest's `tls` field. */
  readonly tls: string;
  readonly clientPort: number;
  /** Carries the WMF-Last-Access cookie; without it X-Analytics says `nocookies=1`. */
  readonly cookies: boolean;
  /** The app's install id (X-Analytics `wmfuuid`); "" for browsers. */
  readonly appInstallId: string;
}

/**
 * Readers' devices. Crawlers and scripts mostly use desktop hosts, so readers lean a little more to mobile
 * than the 40/55/5 split of all pageviews.
 */
const accessMix = new Weighted<AccessMethod>([
  ["desktop", 34],
  ["mobile web", 61],
  ["mobile app", 5],
]);

const tlsProfiles = new Weighted([
  ["vers=TLSv1.3;keyx=X25519MLKEM768;auth=ECDSA;ciph=AES-128-GCM-SHA256;prot=h2;sess=new", 45],
  ["vers=TLSv1.3;keyx=X25519;auth=ECDSA;ciph=AES-256-GCM-SHA384;prot=h2;sess=reused", 30],
  ["vers=TLSv1.3;keyx=X25519;auth=ECDSA;ciph=CHACHA20-POLY1305-SHA256;prot=h2;sess=new", 20],
  ["vers=TLSv1.2;keyx=X25519;auth=RSA;ciph=ECDHE-RSA-AES128-GCM-SHA256;prot=http/1.1;sess=new", 5],
]);

/** Hash salts, one per attribute, so that attributes of one client are independent of each other. */
const Salt = {
  Country: 1,
  Access: 2,
  Agent: 3,
  Language: 4,
  Family: 5,
  Network: 6,
  Address: 7,
  Cache: 8,
  Tls: 9,
  Port: 10,
  Cookies: 11,
  Install: 12,
} as const;

function attribute(seed: number, id: number, salt: number): number {
  return hashOf(seed, id, salt);
}

/** The address of a client in a country, IPv6 for the country's share of IPv6 users. */
function addressInCountry(country: Country, seed: number, id: number): string {
  const v6 = attribute(seed, id, Salt.Family) / 4294967296 < country.ipv6Share;
  const networks = v6 && country.ipv6Networks.length > 0 ? country.ipv6Networks : country.ipv4Networks;
  const network = networks[hashIndex(attribute(seed, id, Salt.Network), networks.length)] as Network;
  return addressIn(network, attribute(seed, id, Salt.Address));
}

/** A version 4 UUID built from hashes, as the apps send in X-Analytics `wmfuuid`. */
function uuid(seed: number, id: number): string {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  const a = hex(attribute(seed, id, Salt.Install));
  const b = hex(mix32(attribute(seed, id, Salt.Install) + 1));
  const c = hex(mix32(attribute(seed, id, Salt.Install) + 2));
  const d = hex(mix32(attribute(seed, id, Salt.Install) + 3));
  const variant = "89ab"[Number.parseInt(c.charAt(0), 16) & 3];
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** A reader: a person with a browser or the app, identified by a number. */
export function reader(seed: number, id: number, fleet: CacheFleet): Client {
  const country = readerCountries.byHash(attribute(seed, id, Salt.Country));
  const access = accessMix.byHash(attribute(seed, id, Salt.Access));
  const agents =
    access === "desktop" ? desktopBrowsers : access === "mobile web" ? mobileBrowsers : appAgents;
  const languageHash = attribute(seed, id, Salt.Language);
  return {
    ip: addressInCountry(country, seed, id),
    userAgent: agents.byHash(attribute(seed, id, Salt.Agent)),
    // About one browser in a hundred sends no Accept-Language.
    acceptLanguage: languageHash % 100 === 0 ? "-" : country.acceptLanguages.byHash(mix32(languageHash)),
    access,
    country,
    cache: fleet.hostFor(country.dataCentres, attribute(seed, id, Salt.Cache)),
    tls: tlsProfiles.byHash(attribute(seed, id, Salt.Tls)),
    clientPort: 1024 + (attribute(seed, id, Salt.Port) % 64511),
    cookies: attribute(seed, id, Salt.Cookies) % 10 < 7,
    appInstallId: access === "mobile app" ? uuid(seed, id) : "",
  };
}

/** One of a crawler's addresses, numbered from 0 to `crawler.addresses - 1`. */
export function crawlerClient(seed: number, crawler: Crawler, address: number, fleet: CacheFleet): Client {
  const id = hashOf(address, crawler.name.length, crawler.userAgent.length);
  const network = crawler.networks[
    hashIndex(attribute(seed, id, Salt.Network), crawler.networks.length)
  ] as Network;
  return {
    ip: addressIn(network, attribute(seed, id, Salt.Address)),
    userAgent: crawler.userAgent,
    acceptLanguage: crawler.acceptLanguage,
    access: crawler.mobile ? "mobile web" : "desktop",
    country: undefined,
    cache: fleet.hostFor(["eqiad", "codfw"], attribute(seed, id, Salt.Cache)),
    tls: tlsProfiles.byHash(attribute(seed, id, Salt.Tls)),
    clientPort: 1024 + (attribute(seed, id, Salt.Port) % 64511),
    cookies: false,
    appInstallId: "",
  };
}

/** A script posing as a browser or sending an odd agent, from a reader's network in `country`. */
export function scriptClient(
  seed: number,
  id: number,
  country: Country,
  userAgent: string,
  acceptLanguage: string,
  access: AccessMethod,
  fleet: CacheFleet,
): Client {
  return {
    ip: addressInCountry(country, seed, id),
    userAgent,
    acceptLanguage,
    access,
    country,
    cache: fleet.hostFor(country.dataCentres, attribute(seed, id, Salt.Cache)),
    tls: tlsProfiles.byHash(attribute(seed, id, Salt.Tls)),
    clientPort: 1024 + (attribute(seed, id, Salt.Port) % 64511),
    cookies: false,
    appInstallId: "",
  };
}

/** Wikimedia's own services calling the public endpoints from inside the network. */
export const internalNetworks: readonly Network[] = ["10.64.0.0/12", "10.192.0.0/12"].map(parseNetwork);

const internalAgents = ["ChangePropagation/WMF", "WMF-Purge-Service/1.2", "restbase-async/1.0 (WMF)"];

export function internalClient(seed: number, id: number, fleet: CacheFleet): Client {
  const network = internalNetworks[
    hashIndex(attribute(seed, id, Salt.Network), internalNetworks.length)
  ] as Network;
  return {
    ip: addressIn(network, attribute(seed, id, Salt.Address)),
    userAgent: internalAgents[hashIndex(attribute(seed, id, Salt.Agent), internalAgents.length)] as string,
    acceptLanguage: "-",
    access: "desktop",
    country: undefined,
    cache: fleet.hostFor(["eqiad", "codfw"], attribute(seed, id, Salt.Cache)),
    tls: "-",
    clientPort: 0,
    cookies: false,
    appInstallId: "",
  };
}
