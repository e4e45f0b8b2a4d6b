import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/**
 * The dashboard at `/`: the static build of web/ (`npm run build:web`, run by `npm ci`). It reads only
 * the public API, so it needs nothing else from the server.
 */

export const DASHBOARD_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/**
 * Scripts, styles and images from this server only, so that the dashboard works offline and nothing it
 * loads can be swapped; `connect-src` is open because the dashboard can read any compatible API.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' http: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join("; ");

/** Vite names built assets after their content: they never change, so browsers may keep them. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** The page itself is checked again each time, so that a new build is picked up at once. */
const REVALIDATE = "no-cache";

export async function addDashboard(
  app: FastifyInstance,
  options: { root?: string | undefined } = {},
): Promise<void> {
  const root = options.root ?? DASHBOARD_DIST;
  // The API's routes get theirs in http-headers.ts; the other security headers apply to every path.
  const withCsp = (reply: FastifyReply) => reply.header("content-security-policy", DASHBOARD_CSP);

  if (!existsSync(join(root, "index.html"))) {
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
      withCsp(reply)
        .code(503)
        .header("cache-control", REVALIDATE)
        .type("text/plain; charset=utf-8")
        .send(
          "The dashboard is not built. Run `npm run build:web` (npm ci does it), then restart " +
            "`pageviews serve`. The API is at /api/rest_v1/metrics/ meanwhile.\n",
        ),
    );
    return;
  }

  // In a scope of its own: swagger-ui registers @fastify/static for its files too.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root,
      prefix: "/",
      // Routes for the files present at start only: every other path stays the API's 404.
      wildcard: false,
      index: ["index.html"],
      cacheControl: false,
      decorateReply: false,
      setHeaders: (reply, path) => {
        withCsp(reply).header("cache-control", path.includes("/assets/") ? IMMUTABLE : REVALIDATE);
      },
    });
  });
}
