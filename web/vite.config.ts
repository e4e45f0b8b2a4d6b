import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The dashboard: static assets in web/dist/ that `pageviews serve` ships (src/api/dashboard.ts). */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // Relative URLs, so that the dashboard also works behind a proxy under a sub-path.
  base: "./",
  // `npx vite --config web/vite.config.ts` beside a running `pageviews serve`: the API through a proxy.
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // One small bundle: the dashboard is a single page; uPlot is the only dependency.
    chunkSizeWarningLimit: 200,
  },
});
