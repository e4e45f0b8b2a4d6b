/**
 * User-Agent strings as real clients send them in 2026: browsers (with the version spread a real
 * population has), the Wikipedia apps, and the odd agents that scripts send.
 */

import { Weighted } from "./random.ts";

/** One template filled with each version; the template's weight is shared out, newest versions first. */
function versions(template: string, list: readonly string[], weight: number): [string, number][] {
  // Newer versions get more users: weights 1/1, 1/2, 1/3, ... normalised to the template's weight.
  const shares = list.map((_, i) => 1 / (i + 1));
  const total = shares.reduce((a, b) => a + b, 0);
  return list.map((v, i) => [template.replaceAll("{v}", v), (weight * (shares[i] as number)) / total]);
}

const CHROME = ["149", "148", "147", "146", "145"];
const FIREFOX = ["151", "150", "149", "140"];
const SAFARI = ["26.4", "26.3", "26.2", "18.6"];

export const desktopBrowsers = new Weighted<string>([
  ...versions(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    CHROME,
    40,
  ),
  ...versions(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.0.0",
    CHROME,
    12,
  ),
  ...versions(
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    CHROME,
    12,
  ),
  ...versions(
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v} Safari/605.1.15",
    SAFARI,
    10,
  ),
  ...versions("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0", FIREFOX, 8),
  ...versions(
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    FIREFOX,
    2,
  ),
  ...versions(
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    CHROME,
    3,
  ),
  ...versions("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0", FIREFOX, 2),
  ...versions(
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    CHROME,
    2,
  ),
]);

export const mobileBrowsers = new Weighted<string>([
  ...versions(
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Mobile Safari/537.36",
    CHROME,
    38,
  ),
  ...versions(
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v} Mobile/15E148 Safari/604.1",
    SAFARI,
    36,
  ),
  ...versions(
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/{v}.0 Chrome/140.0.0.0 Mobile Safari/537.36",
    ["29", "28"],
    8,
  ),
  ...versions(
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/{v}.0.7700.80 Mobile/15E148 Safari/604.1",
    CHROME,
    6,
  ),
  ...versions("Mozilla/5.0 (Android 15; Mobile; rv:{v}.0) Gecko/{v}.0 Firefox/{v}.0", FIREFOX, 3),
  ...versions(
    "Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v} Mobile/15E148 Safari/604.1",
    SAFARI,
    3,
  ),
]);

/** The Wikipedia apps; `WikipediaApp` is what the pageview definition looks for. */
export const appAgents = new Weighted<string>([
  ...versions(
    "WikipediaApp/{v}-r-2026-05-12 (Android 15; Phone) Google Play",
    ["7.5.2.5312", "7.5.1.5298", "7.4.9.5240"],
    45,
  ),
  ...versions(
    "WikipediaApp/{v}-r-2026-04-28 (Android 14; Phone) Google Play",
    ["7.5.1.5298", "7.4.9.5240"],
    20,
  ),
  ...versions("WikipediaApp/{v} (iOS 18.6; Phone)", ["7.8.1.4521", "7.8.0.4507", "7.7.3.4470"], 30),
  ...versions("WikipediaApp/{v} (iOS 18.6; Tablet)", ["7.8.1.4521"], 5),
]);

/**
 * Agents of scripts that pose as nothing in particular. None trips the spider regex (section 3), so only
 * their behaviour (rate, volume, short UA) can unmask them.
 */
export const scriptAgents: readonly string[] = [
  "Mozilla/5.0",
  "axios/1.8.4",
  "node",
  "undici",
  "Go-Wiki-Reader/0.3",
  "Mozilla/5.0 (Windows NT 6.1)",
  "Dalvik/2.1.0 (Linux; U; Android 13)",
];
