import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { progressDisplay } from "./progress.ts";

/** A stream that keeps what is written to it. */
function recordingStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = {
    isTTY,
    columns: 120,
    write: (text: string) => {
      written.push(text);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe("progressDisplay", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a plain line every five seconds off a terminal, describing the progress only then", () => {
    const { stream, written } = recordingStream(false);
    const display = progressDisplay(stream);
    let described = 0;
    const report = (fraction: number | null, text: string) => () => {
      described++;
      return [fraction, text] as const;
    };

    for (let batch = 0; batch < 1000; batch++) display.update(report(0.25, "reading: early"));
    vi.advanceTimersByTime(5_000);
    display.update(report(0.5, "reading: halfway"));
    display.update(report(0.6, "reading: too soon"));
    vi.advanceTimersByTime(5_000);
    display.update(report(null, "processing hours: 1/2"));

    expect(written).toEqual(["50% reading: halfway\n", "processing hours: 1/2\n"]);
    expect(described).toBe(2);
  });

  it("draws at most five times a second on a terminal, and ends showing the newest progress", () => {
    const { stream, written } = recordingStream(true);
    const display = progressDisplay(stream);
    let described = 0;
    for (let batch = 1; batch <= 1000; batch++) {
      display.update(() => {
        described++;
        return [batch / 1000, `reading: batch ${batch}`];
      });
    }
    expect(described).toBe(1);
    display.stop();
    expect(described).toBe(2);
    expect(written.join("")).toContain("reading: batch 1000");
  });
});
