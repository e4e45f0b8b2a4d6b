const DAILY_AT = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Milliseconds from `nowMs` to the next `HH:MM` UTC (a full day when it is exactly now). */
export function msUntilNextDaily(at: string, nowMs: number): number {
  const match = DAILY_AT.exec(at);
  if (match === null) throw new RangeError(`Not a HH:MM time of day: ${at}`);
  const now = new Date(nowMs);
  const next = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
    Number(match[1]),
    Number(match[2]),
  );
  return next > nowMs ? next - nowMs : next + 86_400_000 - nowMs;
}
