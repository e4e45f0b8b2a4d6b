import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from "fastify";
import { csvIfWanted } from "./csv-output.ts";
import { etagOf, headersFor, setStatusHeaders } from "./http-headers.ts";
import type { ResponseCache } from "./response-cache.ts";

/**
 * What every answer passes through, in two hooks and in this order:
 *  - on the request: the headers every response carries (CORS, security, request id); a kept answer
 *    is sent at once;
 *  - before sending: the headers of its status, CSV when asked for, the etag, keeping the answer, and
 *    304 when the client has it already. Compression comes after (its own hook).
 * One hook for each, so that the order of the steps is written here rather than implied by the order in
 * which plugins were registered (the etag must be of the body as sent, CSV included, and a kept answer
 * must carry it).
 */
export function addAnswerHooks(
  app: FastifyInstance,
  cache: ResponseCache | null,
  onAnswer: AnswerObserver | undefined,
): void {
  app.decorateRequest("receivedAt", 0);
  // Callback hooks: an async one costs a promise and its resolution on every request.
  app.addHook("onRequest", (request, reply, done) => {
    request.receivedAt = performance.now();
    reply.headers(headersFor(request.url));
    reply.header("x-request-id", request.id);
    // A hook that sends the answer does not call done.
    if (!cache?.serve(request, reply)) done();
  });

  app.addHook("onSend", (request, reply, payload, done) => {
    let body: unknown;
    try {
      body = finish(request, reply, payload, cache);
    } catch (error) {
      done(error as Error);
      return;
    }
    onAnswer?.({
      route: request.routeOptions.url ?? "unknown",
      method: request.method,
      status: reply.statusCode,
      seconds: (performance.now() - request.receivedAt) / 1000,
    });
    done(null, body);
  });
}

/**
 * Lets the cache keep what compression made of its answers: compressing a kept answer again on every
 * request cost a gzip client more than the rest of the request (bench:api's per-article paths with a
 * warm cache: 8.9 k requests/s with `accept-encoding: gzip` against 22.4 k without, 29 November 2026).
 * Compression is a route-level hook added by its plugin as each route is declared: this one is added
 * after it, to every route declared after this is called, so that it sees the compressed body.
 */
export function addEncodedAnswerHook(app: FastifyInstance, cache: ResponseCache): void {
  const keepEncoded: onSendHookHandler = (request, reply, payload, done) => {
    cache.rememberEncoded(request, reply, payload);
    done(null, payload);
  };
  app.addHook("onRoute", (route) => {
    route.onSend = [...(route.onSend === undefined ? [] : [route.onSend].flat()), keepEncoded];
  });
}

/** An answer about to be written: its route's template (not its URL), method, status and time taken. */
export interface Answer {
  route: string;
  method: string;
  status: number;
  seconds: number;
}

/**
 * Told of every answer as it is sent. Observed here rather than in an `onResponse` hook: any such hook
 * makes fastify attach listeners to every response and run one more hook stage after it, which cost
 * the API 10 to 15 % of its requests/s (measured on 28 November 2026, bench:api's per-article paths).
 * The time taken therefore stops before the socket write.
 */
export type AnswerObserver = (answer: Answer) => void;

declare module "fastify" {
  interface FastifyRequest {
    /** `performance.now()` when the request came in. */
    receivedAt: number;
  }
}

function finish(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  cache: ResponseCache | null,
): unknown {
  setStatusHeaders(reply);
  // Streams (the dashboard's files) carry their own validators.
  if (typeof payload !== "string" && !Buffer.isBuffer(payload)) return payload;
  let body: string | Buffer = payload;
  let etag = reply.getHeader("etag");
  // An answer with an etag already is one kept by the cache, finished when it was computed.
  if (etag === undefined) {
    if (typeof body === "string") body = csvIfWanted(request, reply, body);
    etag = etagOf(body);
    reply.header("etag", etag);
    if (typeof body === "string") cache?.remember(request, reply, body, etag);
  }
  if (reply.statusCode === 200 && notModified(request, String(etag))) {
    reply.code(304);
    // A kept answer may have been given its compressed body; a 304 has none.
    reply.removeHeader("content-encoding");
    return "";
  }
  return body;
}

/**
 * If-None-Match names this etag (a weak comparison, as RFC 9110 asks for GET and HEAD; the server's
 * own etags are always strong).
 */
function notModified(request: FastifyRequest, etag: string): boolean {
  const asked = request.headers["if-none-match"];
  if (asked === undefined) return false;
  if (asked.trim() === "*") return true;
  return asked.split(",").some((tag) => {
    const trimmed = tag.trim();
    return (trimmed.startsWith("W/") ? trimmed.slice(2) : trimmed) === etag;
  });
}
