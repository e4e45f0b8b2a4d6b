import { hash } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { METRICS } from "./context.ts";
import { CLOSED_PERIOD_CACHE } from "./freshness.ts";
import { PROBLEM_JSON } from "./problem.ts";

/**
 * The headers AQS sends (its `response_header_filters`): CORS for any origin, read-only methods, and
 * the security headers; errors are never cached. Set by the answer hooks (answer-hooks.ts) on every route.
 */

const CORS_AND_SECURITY: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET,HEAD",
  "access-control-allow-headers":
    "accept, content-type, content-length, cache-control, accept-language, api-user-agent, if-match, " +
    "if-modified-since, if-none-match, dnt, accept-encoding",
  "access-control-expose-headers": "etag",
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
  "referrer-policy": "origin-when-cross-origin",
  "x-xss-protection": "1; mode=block",
};

/** The API returns data, never pages: nothing may load from or frame it. Not for the documentation pages. */
const NO_ACTIVE_CONTENT = "default-src 'none'; frame-ancestors 'none'";

const API_CSP: Readonly<Record<string, string>> = {
  ...CORS_AND_SECURITY,
  "content-security-policy": NO_ACTIVE_CONTENT,
  "x-content-security-policy": NO_ACTIVE_CONTENT,
  "x-webkit-csp": NO_ACTIVE_CONTENT,
};

/** AQS's etag: the SHA-1 of the body, in hex, quoted. */
export function etagOf(payload: string | Buffer): string {
  return `"${hash("sha1", payload, "hex")}"`;
}

export const ERROR_CACHE = "private, max-age=0, s-maxage=0, must-revalidate";

/** The headers every response to `url` carries, whatever its status. */
export function headersFor(url: string): Readonly<Record<string, string>> {
  return url.startsWith(METRICS) ? API_CSP : CORS_AND_SECURITY;
}

/** The headers that depend on the answer's status; a success is cached as a closed period unless it says otherwise. */
export function setStatusHeaders(reply: FastifyReply): void {
  if (reply.statusCode >= 400) {
    reply.header("cache-control", ERROR_CACHE);
    // Fastify appends a charset to JSON types; AQS sends the bare media type.
    if (String(reply.getHeader("content-type")).startsWith(PROBLEM_JSON))
      reply.header("content-type", PROBLEM_JSON);
  } else if (!reply.hasHeader("cache-control")) reply.header("cache-control", CLOSED_PERIOD_CACHE);
}

/** A CORS preflight, or a client asking what is allowed: 200 with an empty body. */
export function addOptionsRoute(app: FastifyInstance): void {
  app.options("*", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("cache-control", CLOSED_PERIOD_CACHE);
    return reply.send();
  });
}
