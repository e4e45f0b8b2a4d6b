/**
 * Human readers. Reading happens in sessions: a reader arrives (from a search engine, a link or
 * nowhere), reads an article, loads its scripts and images, follows links to further articles, now and
 * then searches, looks at a page's history and a diff, or edits.
 *
 * A fixed number of session slots is kept open. Each request either continues the session in a random
 * slot or starts a new session there, so a session's requests are spread over a minute or two, and a
 * session lasts 1 / NEW_SESSION_SHARE requests on average.
 */

import type { CacheFleet } from "./cdn.ts";
import { reader } from "./clients.ts";
import type { Country, WikiLanguage } from "./countries.ts";
import {
  commons,
  deWikipedia,
  enWikipedia,
  enWiktionary,
  frWikipedia,
  jaWikipedia,
  type Project,
  wikidata,
} from "./projects.ts";
import { Weighted } from "./random.ts";
import { entryReferer } from "./referers.ts";
import {
  apiCall,
  appArticle,
  appMediaList,
  article,
  articleUrl,
  diffPage,
  editForm,
  editSubmit,
  type GeneratedRequest,
  historyPage,
  historyUrl,
  image,
  loadPhp,
  missingArticle,
  mobileRedirect,
  type Place,
  type RequestLog,
  rootRedirect,
  searchGo,
  searchResults,
  specialPage,
  summaryPreview,
} from "./requests.ts";

export const NEW_SESSION_SHARE = 0.2;

const wikipedias: Record<WikiLanguage, Project> = {
  en: enWikipedia,
  de: deWikipedia,
  fr: frWikipedia,
  ja: jaWikipedia,
};

/** Sister projects are read by everyone; the Wikipedia by the reader's language. */
const families = new Weighted<Project | "wikipedia">([
  ["wikipedia", 88],
  [enWiktionary, 4],
  [commons, 5],
  [wikidata, 3],
]);

type WebEntry = "article" | "searchGo" | "rootRedirect" | "mobileRedirect" | "missing" | "searchResults";
type WebStep =
  | "article"
  | "loadPhp"
  | "image"
  | "api"
  | "preview"
  | "searchResults"
  | "random"
  | "recentChanges"
  | "watchlist"
  | "history"
  | "edit"
  | "missing";
type AppStep = "article" | "preview" | "mediaList" | "api" | "image";

const webEntries = new Weighted<WebEntry>([
  ["article", 88],
  ["searchGo", 3],
  ["rootRedirect", 2],
  ["mobileRedirect", 4],
  ["missing", 1],
  ["searchResults", 2],
]);

const webSteps = new Weighted<WebStep>([
  ["article", 40],
  ["loadPhp", 14],
  ["image", 16],
  ["api", 6],
  ["preview", 5],
  ["searchResults", 3],
  ["random", 1],
  ["recentChanges", 0.5],
  ["watchlist", 0.5],
  ["history", 1.5],
  ["edit", 1],
  ["missing", 1],
]);

const appSteps = new Weighted<AppStep>([
  ["article", 55],
  ["preview", 15],
  ["mediaList", 10],
  ["api", 10],
  ["image", 10],
]);

/** What a session does next regardless of chance: the page a redirect leads to, the diff after a history. */
type Pending = "none" | "article" | "diff" | "submit";

interface Session {
  readonly place: Place;
  /** The page being read. */
  rank: number;
  /** The referer of the next request: the page being read, or the entry referer before the first page. */
  referer: string;
  pending: Pending;
}

export class Readers {
  private readonly slots: (Session | undefined)[];

  /**
   * @param slotCount concurrent sessions; with the request rate it sets how far apart a session's requests are
   * @param population distinct readers; returning readers keep their address, browser and language
   */
  constructor(
    private readonly seed: number,
    private readonly log: RequestLog,
    private readonly fleet: CacheFleet,
    slotCount: number,
    private readonly population: number,
  ) {
    this.slots = new Array(slotCount);
  }

  next(): GeneratedRequest {
    const random = this.log.random;
    const slot = random.int(this.slots.length);
    const session = this.slots[slot];
    if (session === undefined || (session.pending === "none" && random.chance(NEW_SESSION_SHARE))) {
      const started = this.start();
      this.slots[slot] = started;
      return this.enter(started);
    }
    return session.place.client.access === "mobile app" ? this.appStep(session) : this.webStep(session);
  }

  private start(): Session {
    const random = this.log.random;
    const client = reader(this.seed, random.int(this.population), this.fleet);
    const project =
      client.access === "mobile app" ? this.wikipedia(client.country) : this.project(client.country);
    const place: Place = { client, project, mobile: client.access === "mobile web" };
    const referer =
      client.access === "mobile app" || client.country === undefined
        ? "-"
        : entryReferer(client.country, random);
    return { place, rank: 0, referer, pending: "none" };
  }

  private project(country: Country | undefined): Project {
    const family = families.draw(this.log.random);
    return family === "wikipedia" ? this.wikipedia(country) : family;
  }

  private wikipedia(country: Country | undefined): Project {
    return country ? wikipedias[country.wikiLanguages.draw(this.log.random)] : enWikipedia;
  }

  private popular(session: Session): number {
    return session.place.project.popularity.sample(this.log.random);
  }

  /** A session's first request. */
  private enter(session: Session): GeneratedRequest {
    const { log } = this;
    const place = session.place;
    if (place.client.access === "mobile app") return this.readApp(session, this.popular(session));
    const rank = this.popular(session);
    switch (webEntries.draw(log.random)) {
      case "searchGo":
        session.rank = rank;
        session.pending = "article";
        return searchGo(log, place, rank, session.referer);
      case "rootRedirect":
        session.rank = 1;
        session.pending = "article";
        return rootRedirect(log, place, session.referer);
      case "mobileRedirect":
        if (!place.mobile) return this.read(session, rank);
        session.rank = rank;
        session.pending = "article";
        return mobileRedirect(log, place, rank, session.referer);
      case "missing":
        return missingArticle(log, place, rank, session.referer);
      case "searchResults":
        session.rank = rank;
        session.pending = "article";
        return searchResults(log, place, rank, session.referer);
      case "article":
        return this.read(session, rank);
    }
  }

  /** Opens an article; it becomes the referer of what follows. */
  private read(session: Session, rank: number): GeneratedRequest {
    const request = article(this.log, session.place, rank, session.referer);
    session.rank = rank;
    session.referer = articleUrl(session.place, rank);
    return request;
  }

  private readApp(session: Session, rank: number): GeneratedRequest {
    session.rank = rank;
    return appArticle(this.log, session.place, rank);
  }

  private webStep(session: Session): GeneratedRequest {
    const { log } = this;
    const { place, referer } = session;
    const pending = session.pending;
    session.pending = "none";
    switch (pending) {
      case "article":
        return this.read(session, session.rank);
      case "diff":
        return diffPage(log, place, session.rank, referer);
      case "submit":
        return editSubmit(log, place, session.rank, referer);
      case "none":
        break;
    }
    // A session that has not reached an article yet (its entry failed) reads one now.
    if (session.rank === 0) return this.read(session, this.popular(session));
    switch (webSteps.draw(log.random)) {
      case "article":
        return this.read(session, this.popular(session));
      case "loadPhp":
        return loadPhp(log, place, referer);
      case "image":
        return image(log, place, session.rank, referer);
      case "api":
        return apiCall(log, place, this.popular(session), referer);
      case "preview":
        return summaryPreview(log, place, this.popular(session), referer);
      case "searchResults": {
        const rank = this.popular(session);
        if (log.random.chance(0.6)) {
          session.rank = rank;
          session.pending = "article";
        }
        return searchResults(log, place, rank, referer);
      }
      case "random":
        session.rank = this.popular(session);
        session.pending = "article";
        return specialPage(log, place, "Random", referer);
      case "recentChanges":
        return specialPage(log, place, "RecentChanges", referer);
      case "watchlist":
        return specialPage(log, place, "Watchlist", referer);
      case "history":
        // Readers reach diffs from a page's history, which marks them as human to the diff-IP rule.
        if (log.random.chance(0.7)) session.pending = "diff";
        session.referer = historyUrl(place, session.rank);
        return historyPage(log, place, session.rank, referer);
      case "edit":
        if (log.random.chance(0.4)) session.pending = "submit";
        return editForm(log, place, session.rank, referer);
      case "missing":
        return missingArticle(log, place, this.popular(session), referer);
    }
  }

  private appStep(session: Session): GeneratedRequest {
    const { log } = this;
    const place = session.place;
    switch (appSteps.draw(log.random)) {
      case "article":
        return this.readApp(session, this.popular(session));
      case "preview":
        return summaryPreview(log, place, this.popular(session), "-");
      case "mediaList":
        return appMediaList(log, place, session.rank);
      case "api":
        return apiCall(log, place, session.rank, "-");
      case "image":
        return image(log, place, session.rank, "-");
    }
  }
}
