/**
 * Declared machine traffic: crawlers that say what they are, and Wikimedia's own services calling in from
 * the internal network.
 */

import type { CacheFleet } from "./cdn.ts";
import { type Client, crawlerClient, internalClient } from "./clients.ts";
import { type Crawler, crawlerMix, crawlers } from "./crawlers.ts";
import { projects } from "./projects.ts";
import { Weighted } from "./random.ts";
import {
  apiCall,
  article,
  type GeneratedRequest,
  internalFetch,
  missingArticle,
  type Place,
  type RequestLog,
  robotsTxt,
} from "./requests.ts";

/** Crawlers read every wiki, in proportion to its size rather than its readership. */
const crawledProjects = new Weighted(projects.map((p) => [p, p.name === "en.wikipedia" ? 40 : 10] as const));

type CrawlStep = "article" | "robots" | "missing" | "api";
const crawlSteps = new Weighted<CrawlStep>([
  ["article", 88],
  ["robots", 2],
  ["missing", 5],
  ["api", 5],
]);

export class Spiders {
  /** Each crawler's addresses, made once: crawlers come back from the same few hundred addresses. */
  private readonly clients = new Map<Crawler, Client[]>();

  constructor(
    private readonly log: RequestLog,
    seed: number,
    fleet: CacheFleet,
  ) {
    for (const crawler of crawlers) {
      const addresses = Array.from({ length: crawler.addresses }, (_, i) =>
        crawlerClient(seed, crawler, i, fleet),
      );
      this.clients.set(crawler, addresses);
    }
  }

  next(): GeneratedRequest {
    const { log } = this;
    const random = log.random;
    const crawler = crawlerMix.draw(random);
    const addresses = this.clients.get(crawler) as Client[];
    const client = random.pick(addresses);
    const project = crawledProjects.draw(random);
    const place: Place = { client, project, mobile: crawler.mobile };
    // Crawlers go deep: part of their fetches ignore popularity altogether.
    const rank = random.chance(0.6) ? project.popularity.sample(random) : 1 + random.int(project.titles.size);
    switch (crawlSteps.draw(random)) {
      case "article":
        return article(log, place, rank, "-");
      case "robots":
        return robotsTxt(log, place);
      case "missing":
        return missingArticle(log, place, rank, "-");
      case "api":
        return apiCall(log, place, rank, "-");
    }
  }
}

const INTERNAL_CLIENTS = 24;

export class InternalServices {
  private readonly clients: Client[];

  constructor(
    private readonly log: RequestLog,
    seed: number,
    fleet: CacheFleet,
  ) {
    this.clients = Array.from({ length: INTERNAL_CLIENTS }, (_, i) => internalClient(seed, i, fleet));
  }

  next(): GeneratedRequest {
    const random = this.log.random;
    const project = crawledProjects.draw(random);
    const place: Place = { client: random.pick(this.clients), project, mobile: false };
    return internalFetch(this.log, place, project.popularity.sample(random));
  }
}
