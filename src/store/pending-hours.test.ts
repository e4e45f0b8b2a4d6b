import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PendingHours } from "./pending-hours.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pageviews-pending-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("PendingHours", () => {
  it("keeps the hours recorded until they are cleared, apart for each shard", async () => {
    const raw = join(dir, "raw");
    const whole = new PendingHours(raw);
    const shard = new PendingHours(raw, { index: 1, count: 2 });
    expect(await whole.read()).toEqual(new Set());
    await whole.write(new Set(["2026011511", "2026011512"]));
    await shard.write(new Set(["2026011513"]));
    expect(await new PendingHours(raw).read()).toEqual(new Set(["2026011511", "2026011512"]));
    expect(await shard.read()).toEqual(new Set(["2026011513"]));
    await whole.clear();
    expect(await whole.read()).toEqual(new Set());
    expect(await shard.read()).toEqual(new Set(["2026011513"]));
    expect(readdirSync(raw)).toEqual([".pending-hours~1of2"]);
  });
});
