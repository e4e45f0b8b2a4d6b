/** UTC hours as the pipeline names them: `YYYYMMDDHH`. */

const HOUR_FORMAT = /^(\d{4})(\d{2})(\d{2})(\d{2})$/;
export const HOUR_MS = 3_600_000;

export function hourToEpochMs(hour: string): number {
  const match = HOUR_FORMAT.exec(hour);
  if (match === null) throw new RangeError(`Not a YYYYMMDDHH hour: ${hour}`);
  const [, year, month, day, h] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(h));
}

export function epochMsToHour(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13);
}

export function addHours(hour: string, hours: number): string {
  return epochMsToHour(hourToEpochMs(hour) + hours * HOUR_MS);
}

/** `2024-01-02T03:04:05Z` → `2024010203`. Sources normalise `dt`, so fixed offsets are safe. */
export function hourOf(dt: string): string {
  return dt.slice(0, 4) + dt.slice(5, 7) + dt.slice(8, 10) + dt.slice(11, 13);
}

/** The UTC day (`YYYYMMDD`) an hour belongs to. */
export function dayOf(hour: string): string {
  return hour.slice(0, 8);
}
