/**
 * Errors as the Pageview API sends them: `application/problem+json` with HyperSwitch's fields in its
 * order (`type`, `title`, `method`, `detail`, `uri`), plus AQS 2.0's integer `status`. Every error
 * response of the server is built here.
 */

export const PROBLEM_JSON = "application/problem+json";

const TYPE_PREFIX = "https://mediawiki.org/wiki/HyperSwitch/errors/";

/**
 * Clients match the start of this text byte for byte (Pantheon, the R and npm clients show it), so it
 * is Wikimedia's, with the documentation link pointing at this server's own.
 */
export const NO_DATA_DETAIL =
  "The date(s) you used are valid, but we either do not have data for those date(s), or the project you " +
  "asked for is not loaded yet.  Please check /api/rest_v1/?doc for more information.";

export class ApiProblem extends Error {
  constructor(
    readonly statusCode: number,
    /** HyperSwitch's error type, e.g. `not_found`; sent with its URL prefix. */
    readonly type: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** A request whose parameters break the contract; `details` are the catalogue's messages, all of them. */
export function invalidRequest(details: readonly string[]): ApiProblem {
  return new ApiProblem(400, "invalid_request", "Invalid parameters", details.join("; "));
}

const NO_DATA = new ApiProblem(404, "not_found", "Not found.", NO_DATA_DETAIL);

/**
 * A valid request that no stored row answers: zero views, an unknown page, or data not loaded yet.
 * One instance serves every such answer (a problem's fields do not depend on the request), which
 * saves capturing a stack trace each time: about 3 µs a 404 (a fifth of bench:api's per-article requests).
 */
export function noData(): ApiProblem {
  return NO_DATA;
}

export function unknownRoute(): ApiProblem {
  return new ApiProblem(404, "not_found#route", "Not found.", "Invalid route");
}

export interface ProblemBody {
  type: string;
  title: string;
  method: string;
  detail: string;
  uri: string;
  status: number;
}

/** The body, keys in HyperSwitch's order; `uri` is the request's path as received. */
export function problemBody(problem: ApiProblem, method: string, uri: string): ProblemBody {
  return {
    type: TYPE_PREFIX + problem.type,
    title: problem.title,
    method: method.toLowerCase(),
    detail: problem.detail,
    uri,
    status: problem.statusCode,
  };
}
