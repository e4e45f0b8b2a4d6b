/**
 * `pageviews generate`'s library interface: deterministic, realistic raw web-request traffic for tests,
 * demos and benchmarks. The model is described in docs/_fragments/generate.md.
 */

export { formatCombined, formatWebrequest } from "./format.ts";
export { DEFAULT_RATE, generateRequests, type TrafficOptions } from "./model.ts";
export type { GeneratedRequest } from "./requests.ts";
export { type TrafficFormat, type WriteOptions, writeTraffic } from "./write.ts";
