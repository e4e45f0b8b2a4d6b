import type { Store } from "../store/store.ts";

/** AQS's caching of a served answer: four hours, at the edge and in the browser. */
export const CLOSED_PERIOD_CACHE = "s-maxage=14400, max-age=14400";
/** An answer that covers hours not processed yet changes within the hour: cache it briefly. */
export const OPEN_PERIOD_CACHE = "s-maxage=300, max-age=300";

/**
 * Knows the latest processed hour, read from the store at most every `ttlMs`, and so whether an
 * answer covers a closed period (cache it long) or one still being filled (cache it briefly).
 */
export class Freshness {
  #lastCompleteHour: Promise<string | null> | null = null;
  #readAt = 0;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 10_000,
  ) {}

  lastCompleteHour(): Promise<string | null> {
    const now = Date.now();
    if (this.#lastCompleteHour === null || now - this.#readAt > this.ttlMs) {
      this.#readAt = now;
      this.#lastCompleteHour = this.store
        .availability()
        .then((availability) => availability.lastCompleteHour);
      // A failed read is not remembered: the next request asks again.
      this.#lastCompleteHour.catch(() => {
        this.#lastCompleteHour = null;
      });
    }
    return this.#lastCompleteHour;
  }

  /** `cache-control` for an answer whose last bucket ends with `lastHour` (`YYYYMMDDHH`). */
  async cacheControl(lastHour: string): Promise<string> {
    const complete = await this.lastCompleteHour();
    return complete !== null && lastHour <= complete ? CLOSED_PERIOD_CACHE : OPEN_PERIOD_CACHE;
  }
}
