/**
 * Where a visit comes from. A session's first page has an outside referer (or none); later requests
 * carry the page the reader was on, which makes them internal.
 */

import type { Country } from "./countries.ts";
import { type Random, Weighted } from "./random.ts";

type Origin = "search" | "none" | "media" | "chatbot" | "external";

const origins = new Weighted<Origin>([
  ["search", 55],
  ["none", 28],
  ["media", 7],
  ["chatbot", 3],
  ["external", 7],
]);

const mediaSites = new Weighted([
  ["https://www.reddit.com/", 30],
  ["https://t.co/", 15],
  ["https://www.youtube.com/", 15],
  ["https://www.facebook.com/", 12],
  ["https://news.ycombinator.com/", 5],
  ["https://www.instagram.com/", 5],
  ["https://stackoverflow.com/", 5],
  ["https://bsky.app/", 3],
  ["https://discord.com/", 3],
  ["https://github.com/", 7],
]);

const chatbots = new Weighted([
  ["https://chatgpt.com/", 60],
  ["https://www.perplexity.ai/", 15],
  ["https://gemini.google.com/", 12],
  ["https://claude.ai/", 8],
  ["https://copilot.microsoft.com/", 5],
]);

const externalSites = new Weighted([
  ["https://www.bbc.co.uk/", 15],
  ["https://www.nytimes.com/", 10],
  ["https://www.spiegel.de/", 8],
  ["https://www.lemonde.fr/", 6],
  ["https://www3.nhk.or.jp/", 5],
  ["https://www.britannica.com/", 8],
  ["https://www.imdb.com/", 12],
  ["https://www.fandom.com/", 10],
  ["https://scholar.archive.org/", 4],
  ["https://www.theguardian.com/", 12],
  ["https://m.example-blog.net/2026/05/notes.html", 10],
]);

/** The referer of a session's first request. */
export function entryReferer(country: Country, random: Random): string {
  switch (origins.draw(random)) {
    case "search":
      return country.searchEngines.draw(random);
    case "none":
      return "-";
    case "media":
      return mediaSites.draw(random);
    case "chatbot":
      return chatbots.draw(random);
    case "external":
      return externalSites.draw(random);
  }
}
