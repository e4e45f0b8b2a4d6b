/**
 * Where readers come from: per country, its share of readers, the networks its clients use (chosen so
 * that the default geolocation database, geo-whois-asn-country, maps them to that country), the wiki
 * languages it reads, its Accept-Language headers and its search engines.
 */

import { type Network, parseNetwork } from "./networks.ts";
import { Weighted } from "./random.ts";

export type WikiLanguage = "en" | "de" | "fr" | "ja";

export interface Country {
  readonly code: string;
  readonly ipv4Networks: readonly Network[];
  readonly ipv6Networks: readonly Network[];
  /** Share of IPv6 among the country's clients. */
  readonly ipv6Share: number;
  readonly wikiLanguages: Weighted<WikiLanguage>;
  readonly acceptLanguages: Weighted<string>;
  /** Referers of search results pages, as browsers send them (origin only). */
  readonly searchEngines: Weighted<string>;
  /** Wikimedia data centres that GeoDNS sends the country's readers to. */
  readonly dataCentres: readonly string[];
}

interface CountryDefinition {
  code: string;
  weight: number;
  ipv4: string[];
  ipv6: string[];
  ipv6Share: number;
  wikiLanguages: [WikiLanguage, number][];
  acceptLanguages: [string, number][];
  google: string;
  otherSearch?: [string, number][];
  dataCentres: string[];
}

function country(d: CountryDefinition): [Country, number] {
  return [
    {
      code: d.code,
      ipv4Networks: d.ipv4.map(parseNetwork),
      ipv6Networks: d.ipv6.map(parseNetwork),
      ipv6Share: d.ipv6Share,
      wikiLanguages: new Weighted(d.wikiLanguages),
      acceptLanguages: new Weighted(d.acceptLanguages),
      searchEngines: new Weighted([
        [`https://${d.google}/`, 80],
        ["https://www.bing.com/", 8],
        ["https://duckduckgo.com/", 5],
        ["https://www.ecosia.org/", 1],
        ...(d.otherSearch ?? []),
      ]),
      dataCentres: d.dataCentres,
    },
    d.weight,
  ];
}

const AMERICAS = ["eqiad", "codfw", "ulsfo"];
const EUROPE = ["esams", "drmrs"];
const ASIA = ["eqsin", "ulsfo"];
const OCEANIA = ["eqsin", "ulsfo"];

const ENGLISH_READER: [WikiLanguage, number][] = [
  ["en", 97],
  ["de", 1],
  ["fr", 1],
  ["ja", 1],
];

const definitions: CountryDefinition[] = [
  {
    code: "US",
    weight: 25,
    ipv4: ["73.0.0.0/12", "71.96.0.0/14", "99.100.0.0/16", "24.0.0.0/16", "76.96.0.0/14"],
    ipv6: ["2600:1700::/32", "2601:1c0::/32"],
    ipv6Share: 0.45,
    wikiLanguages: ENGLISH_READER,
    acceptLanguages: [
      ["en-US,en;q=0.9", 60],
      ["en-US,en;q=0.5", 15],
      ["en-US", 12],
      ["en-US,en;q=0.9,es;q=0.8", 8],
      ["es-US,es;q=0.9,en;q=0.8", 5],
    ],
    google: "www.google.com",
    otherSearch: [["https://search.yahoo.com/", 3]],
    dataCentres: AMERICAS,
  },
  {
    code: "GB",
    weight: 6,
    ipv4: ["86.128.0.0/12", "2.96.0.0/13", "82.0.0.0/14", "81.2.64.0/20"],
    ipv6: ["2a00:23c4::/32", "2a02:c7f::/32"],
    ipv6Share: 0.3,
    wikiLanguages: ENGLISH_READER,
    acceptLanguages: [
      ["en-GB,en-US;q=0.9,en;q=0.8", 55],
      ["en-GB,en;q=0.9", 30],
      ["en-GB", 15],
    ],
    google: "www.google.co.uk",
    dataCentres: EUROPE,
  },
  {
    code: "DE",
    weight: 8,
    ipv4: ["79.192.0.0/12", "84.128.0.0/12", "91.0.0.0/12", "88.64.0.0/14"],
    ipv6: ["2003:e1::/32", "2a02:8108::/32", "2a02:908::/32"],
    ipv6Share: 0.5,
    wikiLanguages: [
      ["de", 72],
      ["en", 26],
      ["fr", 2],
    ],
    acceptLanguages: [
      ["de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", 50],
      ["de,en-US;q=0.7,en;q=0.3", 25],
      ["de-DE", 15],
      ["de-DE,de;q=0.9", 10],
    ],
    google: "www.google.de",
    dataCentres: EUROPE,
  },
  {
    code: "FR",
    weight: 5,
    ipv4: ["90.0.0.0/12", "86.192.0.0/12", "82.64.0.0/14", "78.192.0.0/12"],
    ipv6: ["2a01:e0a::/32", "2a01:cb00::/32"],
    ipv6Share: 0.45,
    wikiLanguages: [
      ["fr", 75],
      ["en", 25],
    ],
    acceptLanguages: [
      ["fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", 55],
      ["fr,fr-FR;q=0.8,en-US;q=0.5,en;q=0.3", 25],
      ["fr-FR", 20],
    ],
    google: "www.google.fr",
    otherSearch: [["https://www.qwant.com/", 2]],
    dataCentres: EUROPE,
  },
  {
    code: "JP",
    weight: 8,
    ipv4: ["126.0.0.0/12", "153.128.0.0/12", "219.100.0.0/16", "106.128.0.0/12"],
    ipv6: ["2409:10::/32", "2400:4050::/32"],
    ipv6Share: 0.4,
    wikiLanguages: [
      ["ja", 86],
      ["en", 14],
    ],
    acceptLanguages: [
      ["ja,en-US;q=0.9,en;q=0.8", 50],
      ["ja-JP", 30],
      ["ja", 20],
    ],
    google: "www.google.co.jp",
    otherSearch: [["https://search.yahoo.co.jp/", 25]],
    dataCentres: ASIA,
  },
  {
    code: "IN",
    weight: 6,
    ipv4: ["49.32.0.0/14", "122.160.0.0/14"],
    ipv6: ["2405:201::/32"],
    ipv6Share: 0.6,
    wikiLanguages: ENGLISH_READER,
    acceptLanguages: [
      ["en-IN,en-GB;q=0.9,en-US;q=0.8,en;q=0.7,hi;q=0.6", 45],
      ["en-US,en;q=0.9", 35],
      ["en-IN", 20],
    ],
    google: "www.google.co.in",
    dataCentres: ASIA,
  },
  {
    code: "CA",
    weight: 3,
    ipv4: ["99.224.0.0/13", "70.24.0.0/14"],
    ipv6: ["2607:fea8::/32"],
    ipv6Share: 0.35,
    wikiLanguages: [
      ["en", 85],
      ["fr", 15],
    ],
    acceptLanguages: [
      ["en-CA,en-US;q=0.9,en;q=0.8", 60],
      ["fr-CA,fr;q=0.9,en-CA;q=0.8,en;q=0.7", 25],
      ["en-US,en;q=0.9", 15],
    ],
    google: "www.google.ca",
    dataCentres: AMERICAS,
  },
  {
    code: "AU",
    weight: 2,
    ipv4: ["1.120.0.0/14", "101.160.0.0/12"],
    ipv6: ["2001:8003::/32"],
    ipv6Share: 0.3,
    wikiLanguages: ENGLISH_READER,
    acceptLanguages: [
      ["en-AU,en-GB;q=0.9,en-US;q=0.8,en;q=0.7", 60],
      ["en-AU", 25],
      ["en-US,en;q=0.9", 15],
    ],
    google: "www.google.com.au",
    dataCentres: OCEANIA,
  },
  {
    code: "BR",
    weight: 2,
    ipv4: ["177.0.0.0/18", "189.0.0.0/16"],
    ipv6: ["2804:14c::/32"],
    ipv6Share: 0.4,
    wikiLanguages: ENGLISH_READER,
    acceptLanguages: [
      ["pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7", 70],
      ["pt-BR", 30],
    ],
    google: "www.google.com.br",
    dataCentres: AMERICAS,
  },
  {
    code: "ES",
    weight: 2.5,
    ipv4: ["83.32.0.0/12"],
    ipv6: ["2a0c:5a80::/32"],
    ipv6Share: 0.2,
    wikiLanguages: ENGLISH_READER,
    acceptLanguages: [
      ["es-ES,es;q=0.9,en;q=0.8", 70],
      ["es-ES", 30],
    ],
    google: "www.google.es",
    dataCentres: EUROPE,
  },
  {
    code: "IT",
    weight: 3,
    ipv4: ["79.0.0.0/12", "93.32.0.0/12"],
    ipv6: ["2001:b07::/32"],
    ipv6Share: 0.15,
    wikiLanguages: ENGLISH_READER,
    acceptLanguages: [
      ["it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7", 70],
      ["it-IT", 30],
    ],
    google: "www.google.it",
    dataCentres: EUROPE,
  },
  {
    code: "NL",
    weight: 1.5,
    ipv4: ["145.0.0.0/16", "84.80.0.0/16"],
    ipv6: ["2a02:a440::/32"],
    ipv6Share: 0.4,
    wikiLanguages: [
      ["en", 90],
      ["de", 10],
    ],
    acceptLanguages: [
      ["nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", 70],
      ["nl", 30],
    ],
    google: "www.google.nl",
    dataCentres: EUROPE,
  },
  {
    code: "PL",
    weight: 1.5,
    ipv4: ["83.0.0.0/12"],
    ipv6: ["2a00:f41::/32"],
    ipv6Share: 0.25,
    wikiLanguages: [
      ["en", 85],
      ["de", 15],
    ],
    acceptLanguages: [
      ["pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", 75],
      ["pl", 25],
    ],
    google: "www.google.pl",
    dataCentres: EUROPE,
  },
  {
    code: "RU",
    weight: 3,
    ipv4: ["95.24.0.0/14"],
    ipv6: ["2a00:1370::/32"],
    ipv6Share: 0.1,
    wikiLanguages: [
      ["en", 80],
      ["de", 10],
      ["fr", 5],
      ["ja", 5],
    ],
    acceptLanguages: [
      ["ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", 75],
      ["ru", 25],
    ],
    google: "www.google.ru",
    otherSearch: [["https://yandex.ru/", 120]],
    dataCentres: EUROPE,
  },
  {
    code: "CH",
    weight: 1,
    ipv4: ["85.0.0.0/14"],
    ipv6: ["2a02:1210::/32"],
    ipv6Share: 0.35,
    wikiLanguages: [
      ["de", 55],
      ["fr", 25],
      ["en", 20],
    ],
    acceptLanguages: [
      ["de-CH,de;q=0.9,en;q=0.8", 55],
      ["fr-CH,fr;q=0.9,en;q=0.8", 30],
      ["de-CH", 15],
    ],
    google: "www.google.ch",
    dataCentres: EUROPE,
  },
  {
    code: "AT",
    weight: 1,
    ipv4: ["80.108.0.0/16"],
    ipv6: ["2a02:8388::/32"],
    ipv6Share: 0.3,
    wikiLanguages: [
      ["de", 75],
      ["en", 25],
    ],
    acceptLanguages: [
      ["de-AT,de;q=0.9,en;q=0.8", 70],
      ["de-AT", 30],
    ],
    google: "www.google.at",
    dataCentres: EUROPE,
  },
];

const weighted = definitions.map(country);

export const countries: readonly Country[] = weighted.map(([c]) => c);

/** Readers' countries, weighted by their share of traffic. */
export const readerCountries = new Weighted(weighted);
