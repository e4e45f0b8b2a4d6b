import { describe, expect, it } from "vitest";
import { hashOf, mix32, Random, seed32, Weighted, ZipfSampler } from "./random.ts";

describe("Random", () => {
  it("repeats its stream for a seed and differs between seeds", () => {
    const draw = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 5 }, () => random.uint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  it("draws uniformly in [0, 1)", () => {
    const random = new Random(3);
    const buckets = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = random.next();
      if (u < 0 || u >= 1) outside++;
      else buckets[Math.floor(u * 10)]++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it("draws integers in range", () => {
    const random = new Random(4);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(random.between(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe("hashes", () => {
  it("mix32 is a bijection on a sample and spreads neighbours", () => {
    const values = new Set(Array.from({ length: 100_000 }, (_, i) => mix32(i)));
    expect(values.size).toBe(100_000);
    expect(Math.abs(mix32(1) - mix32(2))).toBeGreaterThan(1000);
  });

  it("hashOf depends on every argument and their order", () => {
    expect(hashOf(1, 2, 3)).not.toBe(hashOf(1, 2, 4));
    expect(hashOf(1, 2)).not.toBe(hashOf(2, 1));
    expect(seed32(1)).not.toBe(seed32(1 + 2 ** 32));
  });
});

describe("Weighted", () => {
  it("draws items in proportion to their weights", () => {
    const weighted = new Weighted([
      ["a", 1],
      ["b", 3],
      ["c", 0],
    ]);
    const random = new Random(5);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) counts[weighted.draw(random) as "a" | "b" | "c"]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.8);
    expect(counts.b / counts.a).toBeLessThan(3.2);
    expect(weighted.byHash(0)).toBe("a");
    expect(weighted.byHash(0xffffffff)).toBe("b");
  });

  it("rejects tables it cannot draw from", () => {
    expect(() => new Weighted([])).toThrow();
    expect(() => new Weighted([["a", 0]])).toThrow();
    expect(() => new Weighted([["a", -1]])).toThrow();
  });
});

describe("ZipfSampler", () => {
  it("draws ranks in [1, n] with P(k) proportional to 1 / k^s", () => {
    for (const exponent of [0.8, 1, 1.2]) {
      const zipf = new ZipfSampler(1_000_000, exponent);
      const random = new Random(6);
      const counts = new Map<number, number>();
      for (let i = 0; i < 200_000; i++) {
        const k = zipf.sample(random);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      expect(Math.min(...counts.keys())).toBe(1);
      expect(Math.max(...counts.keys())).toBeLessThanOrEqual(1_000_000);
      expect([...counts.keys()].every(Number.isInteger)).toBe(true);
      const ratio = (counts.get(1) ?? 0) / (counts.get(4) ?? 1);
      expect(ratio / 4 ** exponent).toBeGreaterThan(0.9);
      expect(ratio / 4 ** exponent).toBeLessThan(1.1);
    }
  });

  it("covers a small range exactly", () => {
    const zipf = new ZipfSampler(3, 1);
    const random = new Random(7);
    const seen = new Set(Array.from({ length: 1000 }, () => zipf.sample(random)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });
});
