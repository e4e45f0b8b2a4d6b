import { SingleBar } from "cli-progress";

/** Progress of a long run: a bar on a terminal, a plain line every few seconds otherwise (logs, CI). */
export interface ProgressDisplay {
  update(fraction: number | null, text: string): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 5_000;
const BAR_SCALE = 1000;

export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: "{bar} {percentage}% {text}", stream, hideCursor: true, barsize: 30, fps: 5 },
      undefined,
    );
    bar.start(BAR_SCALE, 0, { text: "" });
    return {
      update: (fraction, text) => bar.update(Math.round((fraction ?? 0) * BAR_SCALE), { text }),
      stop: () => bar.stop(),
    };
  }
  let last = performance.now();
  return {
    update(fraction, text) {
      const now = performance.now();
      if (now - last < PLAIN_INTERVAL_MS) return;
      last = now;
      const percent = fraction === null ? "" : `${Math.round(fraction * 100)}% `;
      stream.write(`${percent}${text}\n`);
    },
    stop() {},
  };
}
