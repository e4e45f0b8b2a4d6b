import { SingleBar } from "cli-progress";

/** The fraction done, if known, and a text. */
type DescribeProgress = () => readonly [fraction: number | null, text: string];

/** Progress of a long run: a bar on a terminal, a plain line every few seconds otherwise (logs, CI). */
export interface ProgressDisplay {
  /**
   * Shows the progress `describe` gives. It is called only when the display is due for an update:
   * runs report progress after every batch of lines, and formatting each report cost more than the
   * bar's redraws.
   */
  update(describe: DescribeProgress): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 5_000;
/** The bar redraws five times a second; its figures need be no fresher than that. */
const BAR_INTERVAL_MS = 200;
const BAR_SCALE = 1000;

export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: "{bar} {percentage}% {text}", stream, hideCursor: true, barsize: 30, fps: 5 },
      undefined,
    );
    bar.start(BAR_SCALE, 0, { text: "" });
    let lastDrawn = Number.NEGATIVE_INFINITY;
    /** The newest progress not drawn yet: the bar ends showing it. */
    let undrawn: DescribeProgress | undefined;
    const draw = (describe: DescribeProgress) => {
      const [fraction, text] = describe();
      bar.update(Math.round((fraction ?? 0) * BAR_SCALE), { text });
      undrawn = undefined;
    };
    return {
      update(describe) {
        const now = performance.now();
        if (now - lastDrawn < BAR_INTERVAL_MS) {
          undrawn = describe;
          return;
        }
        lastDrawn = now;
        draw(describe);
      },
      stop() {
        if (undrawn !== undefined) draw(undrawn);
        bar.stop();
      },
    };
  }
  let last = performance.now();
  return {
    update(describe) {
      const now = performance.now();
      if (now - last < PLAIN_INTERVAL_MS) return;
      last = now;
      const [fraction, text] = describe();
      const percent = fraction === null ? "" : `${Math.round(fraction * 100)}% `;
      stream.write(`${percent}${text}\n`);
    },
    stop() {},
  };
}
