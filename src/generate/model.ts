/**
 * The traffic model: who sends how many requests when. Each second of each hour gets its requests, and
 * each request goes to one kind of sender: automated actors (in their bursts), the diff ring, declared
 * crawlers, internal services, and otherwise a human reader.
 */

import { AutomatedActors, DIFF_RING_SHARE, DiffRing } from "./automated.ts";
import { CacheFleet } from "./cdn.ts";
import { InternalServices, Spiders } from "./machines.ts";
import { Random, seed32 } from "./random.ts";
import { NEW_SESSION_SHARE, Readers } from "./readers.ts";
import { type GeneratedRequest, RequestLog } from "./requests.ts";
import { planHours, spreadOverSeconds, type Volume } from "./schedule.ts";

export interface TrafficOptions {
  seed: number;
  /** Start of the first hour; truncated to the second. */
  start: Date;
  /** Number of hours, a positive integer. */
  hours: number;
  /** Exact number of requests over all hours; exclusive with `rate`. */
  lines?: number;
  /** Average requests per second, modulated by the daily curve; exclusive with `lines`. */
  rate?: number;
}

/** The rate used when neither `lines` nor `rate` is given. */
export const DEFAULT_RATE = 10;

const SPIDER_SHARE = 0.07;
const INTERNAL_SHARE = 0.005;
/** Mean seconds between two requests of one reading session. */
const SESSION_GAP_SECONDS = 30;
/** Sessions per reader over the whole log: most readers come once, some come back. */
const SESSIONS_PER_READER = 1.3;

function volumeOf(options: TrafficOptions): Volume {
  if (options.lines !== undefined && options.rate !== undefined)
    throw new Error("give either lines or rate, not both");
  if (options.lines !== undefined) {
    if (!Number.isInteger(options.lines) || options.lines < 0)
      throw new Error(`invalid lines: ${options.lines}`);
    return { lines: options.lines };
  }
  const rate = options.rate ?? DEFAULT_RATE;
  if (!(rate >= 0) || !Number.isFinite(rate)) throw new Error(`invalid rate: ${rate}`);
  return { rate };
}

/**
 * Generates the requests of the window [start, start + hours), in time order. The same options always
 * give the same requests. Invalid options throw when iteration starts.
 */
export function* generateRequests(options: TrafficOptions): Generator<GeneratedRequest> {
  const { hours } = options;
  if (!Number.isInteger(hours) || hours < 1) throw new Error(`invalid hours: ${hours}`);
  const startMs = options.start.getTime();
  if (Number.isNaN(startMs)) throw new Error("invalid start date");
  const plan = planHours(Math.floor(startMs / 1000), hours, volumeOf(options));

  const total = plan.reduce((sum, hour) => sum + hour.requests, 0);
  const perHour = total / hours;
  const seed = seed32(options.seed);
  const random = new Random(options.seed);
  const log = new RequestLog(random);
  const fleet = new CacheFleet(seed);
  const slots = Math.min(200_000, Math.max(4, Math.round((perHour / 3600) * SESSION_GAP_SECONDS)));
  const sessions = total * NEW_SESSION_SHARE;
  const readers = new Readers(
    seed,
    log,
    fleet,
    slots,
    Math.max(50, Math.round(sessions / SESSIONS_PER_READER)),
  );
  const spiders = new Spiders(log, seed, fleet);
  const internal = new InternalServices(log, seed, fleet);
  const actors = new AutomatedActors(log, seed, fleet, perHour);
  const ring = new DiffRing(log, seed, fleet);

  const perSecond = new Uint32Array(3600);
  for (const hour of plan) {
    actors.planHour();
    ring.planHour();
    spreadOverSeconds(hour.requests, random, perSecond);
    for (let second = 0; second < 3600; second++) {
      const count = perSecond[second] as number;
      if (count === 0) continue;
      log.at(hour.start + second);
      actors.at(second);
      const automated = actors.share();
      const diffRing = automated + DIFF_RING_SHARE;
      const spider = diffRing + SPIDER_SHARE;
      const service = spider + INTERNAL_SHARE;
      for (let i = 0; i < count; i++) {
        const u = random.next();
        if (u < automated) yield actors.next();
        else if (u < diffRing) yield ring.next();
        else if (u < spider) yield spiders.next();
        else if (u < service) yield internal.next();
        else yield readers.next();
      }
    }
  }
}
