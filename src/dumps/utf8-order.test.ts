import { describe, expect, it } from "vitest";
import { compareUtf8 } from "./utf8-order.ts";

describe("compareUtf8", () => {
  it("orders as the UTF-8 bytes do, also where UTF-16 code units disagree", () => {
    const words = ["\u{1F600}", "\uFF21", "b", "a", "ab", "é", ""];
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareUtf8)).toEqual(byBytes);
    expect(byBytes.indexOf("\uFF21")).toBeLessThan(byBytes.indexOf("\u{1F600}"));
  });
});
