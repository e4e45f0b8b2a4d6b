import { describe, expect, it } from "vitest";
import { reasonKind } from "./malformed-tally.ts";

describe("the kind of a malformed line's reason", () => {
  it.each([
    ["invalid JSON: Unexpected token } in JSON at position 5", "invalid JSON"],
    ['expected a JSON object, got the string "abc"', "expected a JSON object, got the string"],
    ["expected a JSON object, got the number 42", "expected a JSON object, got the number"],
    ["invalid time [32/Foo/2026]", "invalid time"],
    ["line is 100 bytes, longer than the 16-byte line limit", "line is"],
    ["gzip stream is corrupt (incorrect header check)", "gzip stream is corrupt"],
    ["invalid UTF-8", "invalid UTF-8"],
    ["42", "other"],
  ])("%s → %s", (reason, kind) => {
    expect(reasonKind(reason)).toBe(kind);
  });
});
