import { describe, expect, it } from "vitest";
import { limitHeapGrowth } from "./heap-growth.ts";

describe("limitHeapGrowth", () => {
  it("sets V8's heap growing percent", () => {
    const set: string[] = [];
    expect(limitHeapGrowth(20, ["--enable-source-maps"], (flags) => set.push(flags))).toBe(true);
    expect(set).toEqual(["--heap-growing-percent=20"]);
  });

  it("leaves a growing percent given to node alone, in either spelling", () => {
    for (const given of ["--heap-growing-percent=50", "--heap_growing_percent=0"]) {
      const set: string[] = [];
      expect(limitHeapGrowth(20, [given], (flags) => set.push(flags))).toBe(false);
      expect(set).toEqual([]);
    }
  });
});
