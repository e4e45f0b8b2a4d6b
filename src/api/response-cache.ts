import type { FastifyReply, FastifyRequest } from "fastify";
import { LRUCache } from "lru-cache";
import { fnv1a } from "../fnv1a.ts";
import { METRICS } from "./context.ts";
import { wantsCsv } from "./csv-output.ts";
import type { Freshness } from "./freshness.ts";

/**
 * Answers kept in memory, by URL and format: popular pages and the day's top lists are asked for again
 * and again, and a repeated answer then costs what a fixed route does instead of a store read. An answer
 * is kept with the data generation it was computed in (see Freshness), and dropped once the data changes.
 * A 404 is kept too: "no data for these dates" holds as long as a 200 does, and titles without views are
 * asked for again as often as others.
 *
 * An answer is kept from its URL's second request on (a "doorkeeper", as in TinyLFU): most titles of a
 * wiki are asked for once in a while, and keeping each of them pushed out answers asked for again and
 * again. With it the API answered about 11 % more per-article requests/s at 64 MiB, the share of
 * answers from memory about the same once warm (bench:api's paths, nine A/B pairs on 29 November 2026):
 * answers that are never asked for again are no longer copied, kept and evicted.
 */

const KEPT_STATUSES: ReadonlySet<number> = new Set([200, 404]);

interface CachedAnswer {
  status: number;
  /** Encoded once, rather than on every send. */
  payload: Buffer;
  /** Its content type, cache-control, vary and etag (so that a repeat is not hashed again). */
  headers: Record<string, string>;
  generation: number;
  /**
   * What compression made of it, by the request's Accept-Encoding as the client wrote it: clients send
   * few distinct values, and compressing on every hit cost more than the hit (see addEncodedAnswerHook).
   */
  encoded: ReadonlyMap<string, EncodedAnswer>;
}

/** An answer's body for one Accept-Encoding: compressed, or the payload itself when it was not. */
interface EncodedAnswer {
  payload: Buffer;
  /** content-encoding and vary, when compressed. */
  headers: Record<string, string>;
}

/** Bodies kept per answer: browsers and HTTP libraries send a handful of Accept-Encoding values. */
const MAX_ENCODINGS = 4;

const sizeOf = (answer: CachedAnswer) => {
  let bytes = answer.payload.byteLength + 200;
  for (const { payload } of answer.encoded.values())
    if (payload !== answer.payload) bytes += payload.byteLength + 100;
  return bytes;
};

export class ResponseCache {
  readonly #answers: LRUCache<string, CachedAnswer>;
  /**
   * For a request not answered from the cache: its key, and the data generation when it came in (what
   * its answer, once computed, is valid for).
   */
  readonly #misses = new WeakMap<FastifyRequest, { key: string; generation: number }>();
  /** For a request whose kept answer has no body yet for its Accept-Encoding: what to add it to. */
  readonly #toEncode = new WeakMap<
    FastifyRequest,
    { key: string; answer: CachedAnswer; acceptEncoding: string }
  >();

  /**
   * URLs asked for once and not kept, as 32-bit hashes (a collision only keeps an answer early). Emptied
   * when full, so that it holds recent first requests: one per 512 bytes of cache, 3 MB for 64 MiB.
   */
  readonly #askedOnce = new Set<number>();
  readonly #askedOnceLimit: number;

  constructor(
    private readonly freshness: Freshness,
    maxBytes: number,
  ) {
    this.#askedOnceLimit = Math.max(1024, Math.floor(maxBytes / 512));
    this.#answers = new LRUCache({
      maxSize: maxBytes,
      sizeCalculation: sizeOf,
    });
  }

  /** Sends the kept answer to a request, if there is a current one; true when it did. */
  serve(request: FastifyRequest, reply: FastifyReply): boolean {
    if ((request.method !== "GET" && request.method !== "HEAD") || !request.url.startsWith(METRICS))
      return false;
    const generation = this.freshness.generation;
    const key = keyOf(request);
    const answer = this.#answers.get(key);
    if (answer === undefined || answer.generation !== generation) {
      this.#misses.set(request, { key, generation });
      return false;
    }
    reply.code(answer.status).headers(answer.headers);
    const acceptEncoding = request.headers["accept-encoding"];
    const encoded = acceptEncoding === undefined ? undefined : answer.encoded.get(acceptEncoding);
    if (encoded !== undefined) reply.headers(encoded.headers).send(encoded.payload);
    else {
      this.#encodeLater(request, key, answer);
      reply.send(answer.payload);
    }
    return true;
  }

  /** Keeps an answer computed for `request`, as it is sent, if its status is one worth keeping. */
  remember(request: FastifyRequest, reply: FastifyReply, payload: string, etag: string): void {
    const miss = this.#misses.get(request);
    if (!KEPT_STATUSES.has(reply.statusCode) || miss === undefined) return;
    // An answer kept before the data changed shows that its URL is asked for again.
    if (!this.#answers.has(miss.key) && !this.#askedBefore(miss.key)) return;
    const headers: Record<string, string> = { etag };
    for (const name of ["content-type", "cache-control", "vary"]) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const answer: CachedAnswer = {
      status: reply.statusCode,
      payload: Buffer.from(payload),
      headers,
      generation: miss.generation,
      encoded: new Map(),
    };
    this.#answers.set(miss.key, answer);
    this.#encodeLater(request, miss.key, answer);
  }

  /** Marks a kept answer sent plain to `request` to be given the body compression makes of it. */
  #encodeLater(request: FastifyRequest, key: string, answer: CachedAnswer): void {
    const acceptEncoding = request.headers["accept-encoding"];
    if (acceptEncoding !== undefined) this.#toEncode.set(request, { key, answer, acceptEncoding });
  }

  /**
   * Keeps the body sent for a kept answer as compression left it, for the request's Accept-Encoding: the
   * next request with the same header is sent it as it is. Run after compression.
   */
  rememberEncoded(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const pending = this.#toEncode.get(request);
    // Not a 304, and the answer still the one kept (the data may have changed meanwhile).
    if (
      pending === undefined ||
      reply.statusCode !== pending.answer.status ||
      this.#answers.peek(pending.key) !== pending.answer ||
      pending.answer.encoded.size >= MAX_ENCODINGS
    )
      return;
    const encoding = reply.getHeader("content-encoding");
    let encoded: EncodedAnswer;
    if (encoding === undefined) encoded = { payload: pending.answer.payload, headers: {} };
    // A stream: compressed as it is sent, too large to keep whole here.
    else if (!Buffer.isBuffer(payload)) return;
    else
      encoded = {
        payload,
        headers: { "content-encoding": String(encoding), vary: String(reply.getHeader("vary")) },
      };
    const encodings = new Map(pending.answer.encoded).set(pending.acceptEncoding, encoded);
    // A new object: the cache measures an entry's size when it is set.
    this.#answers.set(pending.key, { ...pending.answer, encoded: encodings });
  }

  /** Whether `key` was asked for since the doorkeeper was last emptied; remembers it if not. */
  #askedBefore(key: string): boolean {
    // Signed: a small integer to V8, kept in the set without allocating.
    const hash = fnv1a(key) | 0;
    if (this.#askedOnce.delete(hash)) return true;
    if (this.#askedOnce.size >= this.#askedOnceLimit) this.#askedOnce.clear();
    this.#askedOnce.add(hash);
    return false;
  }
}

// The method too: a problem's body names it.
const keyOf = (request: FastifyRequest) =>
  `${wantsCsv(request) ? "csv" : "json"} ${request.method} ${request.url}`;
