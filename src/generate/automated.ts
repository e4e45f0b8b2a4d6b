/**
 * Undeclared automated traffic, for the automated-agent classifier (spec section 3) to find:
 *
 * - actors: single address + agent pairs that fetch articles in bursts of 8 to 20 minutes at 30 to 110
 *   requests a minute, some posing as a browser, some with a short odd agent;
 * - a diff ring: a few addresses in one country fetching diffs of the same pages without ever opening
 *   their history, which the diff-IP rule labels "ip with spider behavior".
 */

import type { CacheFleet } from "./cdn.ts";
import { type Client, scriptClient } from "./clients.ts";
import { readerCountries } from "./countries.ts";
import { deWikipedia, enWikipedia, frWikipedia, jaWikipedia, type Project, wikidata } from "./projects.ts";
import { hashOf, Weighted } from "./random.ts";
import {
  article,
  diffPage,
  type GeneratedRequest,
  missingArticle,
  type Place,
  type RequestLog,
} from "./requests.ts";
import { desktopBrowsers, scriptAgents } from "./user-agents.ts";

/** Share of all requests made by automated actors, over an hour. */
const AUTOMATED_SHARE = 0.04;
/** Share of all requests made by the diff ring. */
export const DIFF_RING_SHARE = 0.004;

/** An actor makes about this many requests an hour; the number of actors follows from the volume. */
const REQUESTS_PER_ACTOR_HOUR = 900;
const MAX_ACTORS = 64;
/** Never more than this share of a second's requests go to actors, however few requests there are. */
const MAX_SHARE = 0.6;

const targets = new Weighted<Project>([
  [enWikipedia, 60],
  [deWikipedia, 15],
  [frWikipedia, 10],
  [jaWikipedia, 10],
  [wikidata, 5],
]);

interface Actor {
  readonly place: Place;
  /** Relative request rate while active. */
  readonly weight: number;
  /** Seconds into the hour during which it runs; start = end when it skips the hour. */
  start: number;
  end: number;
}

export class AutomatedActors {
  private readonly actors: Actor[] = [];
  private readonly active: Actor[] = [];
  private activeWeight = 0;
  /** The actors' weight averaged over the hour, which turns the hourly share into a per-second one. */
  private hourWeight = 0;

  constructor(
    private readonly log: RequestLog,
    seed: number,
    fleet: CacheFleet,
    requestsPerHour: number,
  ) {
    const count = Math.min(
      MAX_ACTORS,
      Math.max(1, Math.round((AUTOMATED_SHARE * requestsPerHour) / REQUESTS_PER_ACTOR_HOUR)),
    );
    for (let i = 0; i < count; i++) {
      const hash = hashOf(seed, i, 0xa7);
      const posesAsBrowser = hash % 5 < 3;
      const client = scriptClient(
        seed,
        0x40000000 + i,
        readerCountries.byHash(hashOf(seed, i, 0xc0)),
        posesAsBrowser ? desktopBrowsers.byHash(hash) : (scriptAgents[hash % scriptAgents.length] as string),
        posesAsBrowser ? "en-US,en;q=0.9" : "-",
        "desktop",
        fleet,
      );
      const project = targets.byHash(hashOf(seed, i, 0x9b));
      const mobile = hash % 4 === 0;
      this.actors.push({
        place: { client, project, mobile },
        weight: 1.2 + (hash % 19) / 10,
        start: 0,
        end: 0,
      });
    }
  }

  /** Decides, for the hour about to be generated, which actors run and when. */
  planHour(): void {
    const random = this.log.random;
    this.hourWeight = 0;
    for (const actor of this.actors) {
      const duration = random.between(480, 1200);
      actor.start = random.int(3600 - duration);
      actor.end = random.chance(0.85) ? actor.start + duration : actor.start;
      this.hourWeight += (actor.weight * (actor.end - actor.start)) / 3600;
    }
  }

  /** Moves to a second of the hour. */
  at(secondOfHour: number): void {
    this.active.length = 0;
    this.activeWeight = 0;
    for (const actor of this.actors) {
      if (secondOfHour >= actor.start && secondOfHour < actor.end) {
        this.active.push(actor);
        this.activeWeight += actor.weight;
      }
    }
  }

  /** The share of this second's requests that belongs to actors. */
  share(): number {
    return this.hourWeight === 0
      ? 0
      : Math.min(MAX_SHARE, (AUTOMATED_SHARE * this.activeWeight) / this.hourWeight);
  }

  next(): GeneratedRequest {
    const random = this.log.random;
    let u = random.next() * this.activeWeight;
    let actor = this.active[0] as Actor;
    for (const candidate of this.active) {
      actor = candidate;
      u -= candidate.weight;
      if (u < 0) break;
    }
    const { project } = actor.place;
    const rank = random.chance(0.5) ? project.popularity.sample(random) : 1 + random.int(project.titles.size);
    return random.chance(0.03)
      ? missingArticle(this.log, actor.place, rank, "-")
      : article(this.log, actor.place, rank, "-");
  }
}

const RING_ADDRESSES = 4;
const RING_PAGES = 6;

export class DiffRing {
  private readonly places: Place[];
  private pages: number[] = [];

  constructor(
    private readonly log: RequestLog,
    seed: number,
    fleet: CacheFleet,
  ) {
    const country = readerCountries.byHash(hashOf(seed, 0xd1ff));
    const agent = desktopBrowsers.byHash(hashOf(seed, 0xd1ff, 1));
    this.places = Array.from({ length: RING_ADDRESSES }, (_, i) => {
      const client: Client = scriptClient(
        seed,
        0x50000000 + i,
        country,
        agent,
        "en-US,en;q=0.9",
        "desktop",
        fleet,
      );
      return { client, project: enWikipedia, mobile: false };
    });
  }

  /** Picks the pages the ring watches this hour. */
  planHour(): void {
    const random = this.log.random;
    this.pages = Array.from({ length: RING_PAGES }, () => enWikipedia.popularity.sample(random));
  }

  next(): GeneratedRequest {
    const random = this.log.random;
    const place = random.pick(this.places);
    return diffPage(this.log, place, random.pick(this.pages), "-");
  }
}
