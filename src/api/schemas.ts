import type { ApiAccess, ApiAgent } from "../store/store.ts";

/**
 * JSON schemas shared by the routes. Fastify validates path parameters against them, serialises
 * responses through them (so keys come out in the order listed, as AQS emits them), and the OpenAPI
 * document is generated from them.
 */

export const ACCESSES: readonly ApiAccess[] = ["all-access", "desktop", "mobile-app", "mobile-web"];
export const AGENTS: readonly ApiAgent[] = ["all-agents", "user", "spider", "automated"];
export const ACCESS_SITES = ["all-sites", "desktop-site", "mobile-site"] as const;

export type AccessSite = (typeof ACCESS_SITES)[number];

const text = (description: string) => ({ type: "string", description }) as const;

export const projectParam = text(
  "A Wikimedia-style project, as `en.wikipedia`, `EN.WIKIPEDIA.ORG` or `www.mediawiki.org` " +
    "(trimmed, lower-cased, `www.` and `.org` removed).",
);
export const accessParam = { type: "string", enum: ACCESSES, description: "Access method." } as const;
export const agentParam = { type: "string", enum: AGENTS, description: "Agent type." } as const;
export const accessSiteParam = {
  type: "string",
  enum: ACCESS_SITES,
  description: "Site version (legacy and unique-devices routes).",
} as const;
export const startParam = text("First day or hour, `YYYYMMDD` or `YYYYMMDDHH` (UTC, inclusive).");
export const endParam = text("Last day or hour, `YYYYMMDD` or `YYYYMMDDHH` (UTC, inclusive).");
export const yearParam = text("`YYYY`.");
export const monthParam = text("`MM`.");

/** Path parameters, all required. */
export function paramsOf<const P extends Record<string, unknown>>(properties: P) {
  return { type: "object", properties, required: Object.keys(properties) as (keyof P & string)[] } as const;
}

/** `{"items":[...]}` whose items have these properties, in this order; all but `optional` always. */
export function itemsOf(properties: Record<string, unknown>, description: string, optional: string[] = []) {
  return {
    description,
    type: "object",
    properties: {
      items: {
        type: "array",
        items: {
          type: "object",
          properties,
          required: Object.keys(properties).filter((key) => !optional.includes(key)),
        },
      },
    },
    required: ["items"],
  } as const;
}

const problem = {
  description: "application/problem+json",
  type: "object",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    method: { type: "string" },
    detail: { type: "string" },
    uri: { type: "string" },
    status: { type: "integer" },
  },
} as const;

/** The error responses every data route can give, for the OpenAPI document. */
export const problemResponses = {
  400: { ...problem, description: "Invalid parameters (application/problem+json)." },
  404: {
    ...problem,
    description: "No data for these dates, or an unknown route (application/problem+json).",
  },
  429: { ...problem, description: "Too many requests from this client (application/problem+json)." },
} as const;

export const string = { type: "string" } as const;
export const integer = { type: "integer" } as const;
