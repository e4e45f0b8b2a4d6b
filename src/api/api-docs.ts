import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { METRICS } from "./context.ts";

export const API_SPEC_PATH = `${METRICS}/pageviews/api-spec.json`;
const DOCS_PATH = "/api/rest_v1/docs";

/**
 * The OpenAPI 3 document, generated from the routes' schemas, and Swagger UI over it. Wikimedia's
 * documentation lives at `/api/rest_v1/?doc`, so that address leads to it here too.
 * Call before the routes are added, so that they are collected.
 */
export async function addApiDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Pageviews API",
        version,
        description:
          "A drop-in for Wikimedia's Pageview API (`https://wikimedia.org/api/rest_v1/metrics/pageviews/`): " +
          "the same routes, bodies, errors and headers, plus the extensions marked as such.",
      },
      tags: [
        { name: "pageviews", description: "Wikimedia's Pageview API routes." },
        {
          name: "pageviews (extensions)",
          description: "Additions of this server; the wire format is unchanged.",
        },
        { name: "other datasets", description: "Wikimedia's sibling datasets, not computed here." },
      ],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PATH, staticCSP: true });
  app.get(API_SPEC_PATH, { schema: { hide: true } }, async () => app.swagger());
  // `/api/rest_v1/?doc`, and the bare prefix too: there is nothing else to show there.
  app.get("/api/rest_v1/", { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect(`${DOCS_PATH}/`),
  );
}
