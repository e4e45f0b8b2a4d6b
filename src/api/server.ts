import { constants } from "node:zlib";
import fastifyCompress from "@fastify/compress";
import fastifyRateLimit from "@fastify/rate-limit";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import { DEFAULT_CONFIG } from "../config/schema.ts";
import type { Store } from "../store/store.ts";
import { type AnswerObserver, addAnswerHooks, addEncodedAnswerHook } from "./answer-hooks.ts";
import { addApiDocs } from "./api-docs.ts";
import type { ApiContext } from "./context.ts";
import { addCsvNegotiation } from "./csv-output.ts";
import { addDashboard } from "./dashboard.ts";
import { Freshness } from "./freshness.ts";
import { addOptionsRoute, ERROR_CACHE, headersFor } from "./http-headers.ts";
import { ApiProblem, invalidRequest, PROBLEM_JSON, problemBody, unknownRoute } from "./problem.ts";
import { ResponseCache } from "./response-cache.ts";
import { aggregateRoute } from "./routes/aggregate.ts";
import { listingRoutes } from "./routes/listing.ts";
import { otherDatasetRoutes } from "./routes/other-datasets.ts";
import { perArticleRoute } from "./routes/per-article.ts";
import { topRoutes } from "./routes/top.ts";
import { topByCountryRoute } from "./routes/top-by-country.ts";
import { topPerCountryRoute } from "./routes/top-per-country.ts";
import { validationProblem } from "./validation-problem.ts";

export interface ApiServerOptions {
  store: Store;
  /** Shared with whoever writes to the store, who invalidates it; one over `store` by default. */
  freshness?: Freshness;
  /** Shown in the OpenAPI document. */
  version: string;
  /** top-per-country lists articles with more `user` views than this (Wikimedia: 1000 actors). */
  topPerCountryThreshold?: number;
  /** Requests per second per client before 429; 0 turns the limit off. RESTBase allowed 100. */
  rateLimit?: number;
  /** Take the client address from `X-Forwarded-For` (behind a reverse proxy). */
  trustProxy?: boolean;
  /** pino options for request logs; false for none. */
  logger?: FastifyServerOptions["logger"];
  /** Log each request's client address; off by default, as the address is personal data. */
  logClientIp?: boolean;
  /** The dashboard's built files; null serves none. Default: web/dist. */
  dashboardRoot?: string | null;
  /** Memory for answers kept to serve again (see response-cache.ts); 0 keeps none. */
  responseCacheMiB?: number;
  /** Told of every answer (metrics). */
  onAnswer?: AnswerObserver;
}

const { topPerCountryThreshold: DEFAULT_TOP_PER_COUNTRY_THRESHOLD, rateLimit: DEFAULT_RATE_LIMIT } =
  DEFAULT_CONFIG.server;
const DEFAULT_RESPONSE_CACHE_MIB = DEFAULT_CONFIG.server.responseCacheMiB;

/** The Pageview API over a store: routes, errors, headers, caching, compression, limits and docs. */
export async function createApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withPrivateRequestLogs(options.logger ?? false, options.logClientIp ?? false),
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: "x-request-id",
    // Titles are long once percent-encoded; the routes give a clear error above MAX_ARTICLE_BYTES.
    routerOptions: { maxParamLength: 16_384, ignoreDuplicateSlashes: true },
    // A URL the router cannot decode fails before any hook runs: the answer is written whole here.
    frameworkErrors: (error, request, reply) => {
      const problem =
        error.code === "FST_ERR_BAD_URL"
          ? invalidRequest(["The path is not valid percent-encoding (RFC 3986)."])
          : invalidRequest([error.message]);
      const body = JSON.stringify(problemBody(problem, request.method, request.url));
      reply.hijack();
      reply.raw.writeHead(problem.statusCode, {
        ...headersFor(request.url),
        "cache-control": ERROR_CACHE,
        "content-type": PROBLEM_JSON,
        "content-length": Buffer.byteLength(body),
      });
      reply.raw.end(body);
      // Answered before any hook ran, at once.
      options.onAnswer?.({
        route: "unknown",
        method: request.method,
        status: problem.statusCode,
        seconds: 0,
      });
    },
  });
  const context: ApiContext = {
    store: options.store,
    freshness: options.freshness ?? new Freshness(options.store),
    topPerCountryThreshold: options.topPerCountryThreshold ?? DEFAULT_TOP_PER_COUNTRY_THRESHOLD,
  };

  // Before any route: a route takes the error handler in force when it is declared.
  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, unknownRoute()));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem =
      error instanceof ApiProblem
        ? error
        : error.validation !== undefined
          ? validationProblem(error.validation, request.params, request.query)
          : internalError(error, request);
    return sendProblem(reply, request, problem);
  });
  await addCsvNegotiation(app);
  const cacheBytes = (options.responseCacheMiB ?? DEFAULT_RESPONSE_CACHE_MIB) * 2 ** 20;
  const cache = cacheBytes > 0 ? new ResponseCache(context.freshness, cacheBytes) : null;
  addAnswerHooks(app, cache, options.onAnswer);
  addOptionsRoute(app);
  // After the answer hooks: answers are kept, and tagged, uncompressed.
  await app.register(fastifyCompress, {
    encodings: ["br", "gzip", "deflate"],
    // Brotli's default quality (11) costs more time than the bytes it saves on small JSON answers.
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  if (cache !== null) addEncodedAnswerHook(app, cache);
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (rateLimit > 0) {
    await app.register(fastifyRateLimit, {
      max: rateLimit,
      timeWindow: 1000,
      errorResponseBuilder: (_request, limit) =>
        new ApiProblem(
          429,
          "request_rate_exceeded",
          "Too many requests.",
          `This client sent more than ${limit.max} requests in a second; retry in ${limit.after}.`,
        ),
    });
  }
  await addApiDocs(app, options.version);

  listingRoutes(app, context);
  perArticleRoute(app, context);
  aggregateRoute(app, context);
  topRoutes(app, context);
  topByCountryRoute(app, context);
  topPerCountryRoute(app, context);
  otherDatasetRoutes(app, context);
  if (options.dashboardRoot !== null) await addDashboard(app, { root: options.dashboardRoot });

  return app;
}

function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ApiProblem): FastifyReply {
  return reply
    .code(problem.statusCode)
    .type(PROBLEM_JSON)
    .send(problemBody(problem, request.method, request.url));
}

/** Logged in full; the client learns only that the server failed, never a stack trace. */
function internalError(error: FastifyError, request: FastifyRequest): ApiProblem {
  const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
  if (status < 500) return new ApiProblem(status, "invalid_request", "Invalid request", error.message);
  request.log.error({ err: error }, "request failed");
  return new ApiProblem(
    500,
    "server_error",
    "Internal server error",
    "The server failed to answer; it logged why.",
  );
}

/** Request logs without the client's address unless asked for (it is personal data). */
function withPrivateRequestLogs(
  logger: FastifyServerOptions["logger"],
  logClientIp: boolean,
): FastifyServerOptions["logger"] {
  // Silent logs nothing: no logger at all spares fastify its per-request logging work (5 to 8 % of
  // the API's requests/s, measured with bench:api's per-article paths).
  if (logger === false || logger === undefined) return false;
  if (typeof logger === "object" && logger.level === "silent") return false;
  const options = logger === true ? {} : logger;
  return {
    ...options,
    serializers: {
      req: (request: {
        method: string;
        url: string;
        id: string;
        ip?: string;
        headers?: Record<string, unknown>;
      }) => ({
        method: request.method,
        url: request.url,
        id: request.id,
        ...(logClientIp ? { ip: request.ip } : {}),
      }),
    },
  };
}
