import type { FastifyInstance, FastifyRequest } from "fastify";
import { LRUCache } from "lru-cache";
import { METRICS } from "./context.ts";
import { wantsCsv } from "./csv-output.ts";
import type { Freshness } from "./freshness.ts";
import { etagOf } from "./http-headers.ts";

/**
 * Answers kept in memory, by URL and format: popular pages and the day's top lists are asked for again
 * and again, and a repeated answer then costs what a fixed route does instead of a store read. An answer
 * is kept with the data generation it was computed in (see Freshness), and dropped once the data changes.
 */

interface CachedAnswer {
  payload: string;
  /** Kept with the answer, so that a repeat is not hashed again (the etag hook keeps an etag set). */
  etag: string;
  contentType: string;
  cacheControl: string;
  generation: number;
}

export function addResponseCache(app: FastifyInstance, freshness: Freshness, maxBytes: number): void {
  if (maxBytes <= 0) return;
  const answers = new LRUCache<string, CachedAnswer>({
    maxSize: maxBytes,
    sizeCalculation: (answer) => answer.payload.length + 200,
  });
  const keyOf = (request: FastifyRequest) => `${wantsCsv(request) ? "csv" : "json"} ${request.url}`;
  /** The data generation when a request came in: what its answer, if computed, is valid for. */
  const computedIn = new WeakMap<FastifyRequest, number>();

  app.addHook("onRequest", async (request, reply) => {
    if ((request.method !== "GET" && request.method !== "HEAD") || !request.url.startsWith(METRICS)) return;
    const generation = freshness.generation;
    const answer = answers.get(keyOf(request));
    if (answer === undefined || answer.generation !== generation) {
      computedIn.set(request, generation);
      return;
    }
    return reply
      .header("content-type", answer.contentType)
      .header("cache-control", answer.cacheControl)
      .header("etag", answer.etag)
      .send(answer.payload);
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const generation = computedIn.get(request);
    if (reply.statusCode !== 200 || typeof payload !== "string" || generation === undefined) return payload;
    const etag = etagOf(payload);
    reply.header("etag", etag);
    answers.set(keyOf(request), {
      payload,
      etag,
      contentType: String(reply.getHeader("content-type")),
      cacheControl: String(reply.getHeader("cache-control")),
      generation,
    });
    return payload;
  });
}
