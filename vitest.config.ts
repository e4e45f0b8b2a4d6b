import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    // Set-up hooks generate and ingest traffic or start servers: seconds alone, more on a busy 2-core machine.
    hookTimeout: 60_000,
  },
});
