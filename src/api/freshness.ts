import type { Store } from "../store/store.ts";

/** AQS's caching of a served answer: four hours, at the edge and in the browser. */
export const CLOSED_PERIOD_CACHE = "s-maxage=14400, max-age=14400";
/** An answer that covers hours not processed yet changes within the hour: cache it briefly. */
export const OPEN_PERIOD_CACHE = "s-maxage=300, max-age=300";

/**
 * Knows the latest processed hour, and so whether an answer covers a closed period (cache it long)
 * or one still being filled (cache it briefly). Read from the store once, and again after
 * {@link invalidate}, which whoever changes the store calls; `generation` counts those changes.
 */
export class Freshness {
  #lastCompleteHour: Promise<string | null> | null = null;
  #generation = 0;

  constructor(private readonly store: Store) {}

  /** Changes whenever the data may have changed: answers computed under another generation are stale. */
  get generation(): number {
    return this.#generation;
  }

  /** The store's data changed (an hour was processed and served). */
  invalidate(): void {
    this.#generation++;
    this.#lastCompleteHour = null;
  }

  lastCompleteHour(): Promise<string | null> {
    if (this.#lastCompleteHour === null) {
      const read = this.store.availability().then((availability) => availability.lastCompleteHour);
      this.#lastCompleteHour = read;
      // A failed read is not remembered: the next request asks again.
      read.catch(() => {
        if (this.#lastCompleteHour === read) this.#lastCompleteHour = null;
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
