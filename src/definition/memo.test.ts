import { describe, expect, it } from "vitest";
import { memoize } from "./memo.ts";

describe("memoize", () => {
  it("computes each key once, including keys whose answer is null", () => {
    const calls: string[] = [];
    const lookup = memoize((key: string) => {
      calls.push(key);
      return key === "none" ? null : key.length;
    });
    expect([lookup("abc"), lookup("abc"), lookup("none"), lookup("none")]).toEqual([3, 3, null, null]);
    expect(calls).toEqual(["abc", "none"]);
  });

  it("forgets everything when full, and still answers correctly", () => {
    const calls: string[] = [];
    const lookup = memoize((key: string) => {
      calls.push(key);
      return key.toUpperCase();
    }, 2);
    expect([lookup("a"), lookup("b"), lookup("c"), lookup("a")]).toEqual(["A", "B", "C", "A"]);
    expect(calls).toEqual(["a", "b", "c", "a"]);
  });
});
