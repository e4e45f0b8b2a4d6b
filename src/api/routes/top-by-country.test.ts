import { describe, expect, it } from "vitest";
import { viewsBucket } from "./top-by-country.ts";

describe("viewsBucket", () => {
  it.each([
    [0, "100-999"],
    [50, "100-999"],
    [100, "100-999"],
    [999, "100-999"],
    [1000, "100-999"],
    [1001, "1000-9999"],
    [2000, "1000-9999"],
    [10000, "1000-9999"],
    [10001, "10000-99999"],
    [1000000, "100000-999999"],
    [9007199254740000, "1000000000000000-9999999999999999"],
  ])("%d → %s", (viewsCeil, bucket) => {
    expect(viewsBucket(viewsCeil)).toBe(bucket);
  });
});
