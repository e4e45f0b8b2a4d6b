import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { LiveIngest } from "../pipeline/live-ingest.ts";
import { type InputFormat, sourceFromStream } from "../sources/index.ts";
import { ApiProblem, invalidRequest } from "./problem.ts";

/**
 * `POST /ingest`: raw request lines (webrequest NDJSON or combined log lines, plain or gzip), for
 * senders that push rather than write files. Answered 202 with counts once the lines are landed in
 * the raw zone, so nothing acknowledged can be lost.
 */

export interface IngestRouteOptions {
  live: LiveIngest;
  /** Bearer token a sender must present. */
  token: string;
  maxBodyBytes: number;
  format: InputFormat | "auto";
  /** The site host of combined log lines, which do not name it. */
  host: string | undefined;
}

export function ingestRoute(app: FastifyInstance, options: IngestRouteOptions): void {
  const expected = Buffer.from(`Bearer ${options.token}`);
  app.register(async (scope) => {
    // Any content type: the body is read as bytes and its format recognised from its lines.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: options.maxBodyBytes },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      "/ingest",
      {
        schema: {
          summary: "Send raw request lines",
          description:
            "Webrequest JSON lines or combined log lines, plain or gzip, with `Authorization: Bearer <token>`. " +
            "Answers 202 with counts once the lines are stored; 400 when no line could be read; 401 without " +
            "the token; 413 beyond the size limit.",
          tags: ["ingestion"],
        },
      },
      async (request, reply) => {
        const authorization = Buffer.from(request.headers.authorization ?? "");
        if (authorization.length !== expected.length || !timingSafeEqual(authorization, expected)) {
          reply.header("www-authenticate", 'Bearer realm="pageviews ingest"');
          throw new ApiProblem(
            401,
            "unauthorized",
            "Unauthorized",
            "POST /ingest needs `Authorization: Bearer <token>`.",
          );
        }
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw invalidRequest(["The body is empty: send log lines."]);
        const source = await sourceFromStream("body", bytesOf(body), {
          format: options.format,
          host: options.host,
        });
        const counts = await options.live.accept(source, options.host);
        if (counts.accepted === 0 && counts.malformed > 0) {
          throw invalidRequest([`No line could be read: ${counts.malformedExamples.join("; ")}`]);
        }
        await options.live.flush();
        return reply.code(202).send({
          lines: counts.lines,
          accepted: counts.accepted,
          malformed: counts.malformed,
          malformed_examples: counts.malformedExamples,
        });
      },
    );
  });
}

async function* bytesOf(body: Buffer): AsyncIterable<Uint8Array> {
  yield body;
}
