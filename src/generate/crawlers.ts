/**
 * Self-declared crawlers and scripts: what the spider rules of the definition (section 3) are meant to
 * catch. Each crawls from its operator's real networks.
 */

import { type Network, parseNetwork } from "./networks.ts";
import { Weighted } from "./random.ts";

export interface Crawler {
  readonly name: string;
  readonly userAgent: string;
  /** The country the geolocation database gives for `networks`. */
  readonly country: string;
  readonly networks: readonly Network[];
  /** Crawls mobile hosts (smartphone crawlers). */
  readonly mobile: boolean;
  /** Distinct addresses it crawls from. */
  readonly addresses: number;
  readonly acceptLanguage: string;
}

function crawler(weight: number, c: Omit<Crawler, "networks"> & { networks: string[] }): [Crawler, number] {
  return [{ ...c, networks: c.networks.map(parseNetwork) }, weight];
}

const GOOGLE = ["66.249.64.0/19"];
const BING = ["157.55.39.0/24", "40.77.167.0/24", "207.46.13.0/24", "52.167.144.0/24"];
const CLOUD_US = ["34.174.0.0/16", "35.245.0.0/16"];

const entries: [Crawler, number][] = [
  crawler(30, {
    name: "Googlebot smartphone",
    userAgent:
      "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.7778.96 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    country: "US",
    networks: GOOGLE,
    mobile: true,
    addresses: 200,
    acceptLanguage: "-",
  }),
  crawler(10, {
    name: "Googlebot",
    userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    country: "US",
    networks: GOOGLE,
    mobile: false,
    addresses: 100,
    acceptLanguage: "-",
  }),
  crawler(16, {
    name: "bingbot",
    userAgent:
      "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
    country: "US",
    networks: BING,
    mobile: false,
    addresses: 150,
    acceptLanguage: "-",
  }),
  crawler(6, {
    name: "YandexBot",
    userAgent: "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    country: "RU",
    networks: ["5.255.253.0/24"],
    mobile: false,
    addresses: 40,
    acceptLanguage: "ru, uk;q=0.8, be;q=0.8, en;q=0.7, *;q=0.01",
  }),
  crawler(4, {
    name: "Baiduspider",
    userAgent: "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    country: "CN",
    networks: ["220.181.108.0/24"],
    mobile: false,
    addresses: 40,
    acceptLanguage: "zh-cn,zh-tw",
  }),
  crawler(6, {
    name: "Applebot",
    userAgent:
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    country: "US",
    networks: ["17.58.0.0/16"],
    mobile: false,
    addresses: 60,
    acceptLanguage: "en-US,en;q=0.9",
  }),
  crawler(8, {
    name: "GPTBot",
    userAgent:
      "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    country: "US",
    networks: ["20.171.206.0/24"],
    mobile: false,
    addresses: 60,
    acceptLanguage: "-",
  }),
  crawler(6, {
    name: "ClaudeBot",
    userAgent:
      "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
    country: "US",
    networks: ["160.79.104.0/23"],
    mobile: false,
    addresses: 40,
    acceptLanguage: "-",
  }),
  crawler(3, {
    name: "PetalBot",
    userAgent:
      "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
    country: "SG",
    networks: ["114.119.128.0/19"],
    mobile: true,
    addresses: 40,
    acceptLanguage: "-",
  }),
  crawler(5, {
    name: "python-requests",
    userAgent: "python-requests/2.32.3",
    country: "US",
    networks: CLOUD_US,
    mobile: false,
    addresses: 20,
    acceptLanguage: "-",
  }),
  crawler(2, {
    name: "curl",
    userAgent: "curl/8.5.0",
    country: "US",
    networks: CLOUD_US,
    mobile: false,
    addresses: 10,
    acceptLanguage: "-",
  }),
  crawler(3, {
    name: "wiki tool",
    userAgent: "CitationHunter/2.1 (https://meta.wikimedia.org/wiki/User:CitationHunter; hunter@example.org)",
    country: "US",
    networks: CLOUD_US,
    mobile: false,
    addresses: 4,
    acceptLanguage: "en",
  }),
  crawler(1, {
    name: "no user agent",
    userAgent: "-",
    country: "US",
    networks: CLOUD_US,
    mobile: false,
    addresses: 10,
    acceptLanguage: "-",
  }),
];

export const crawlers: readonly Crawler[] = entries.map(([c]) => c);
export const crawlerMix = new Weighted(entries);
