import { createRefererClassifier } from "../definition/referer.ts";
import { UserAgentParser } from "../definition/user-agent.ts";
import { Geocoder } from "./geocoder.ts";
import type { RefineDependencies } from "./refine.ts";
import { loadUapRegexes } from "./user-agent-regexes.ts";

export interface RefineSetup {
  /** A MaxMind-format Country or City database; the bundled openly licensed one by default. */
  geoDatabase?: string;
}

/** Loads the data files the refiner needs (uap-core regexes, the geo database) once. */
export function loadRefineDependencies(setup: RefineSetup = {}): RefineDependencies {
  const geocoder = Geocoder.open(setup.geoDatabase);
  return {
    // The refiner caches per user agent, together with the spider verdict.
    userAgents: new UserAgentParser(loadUapRegexes(), { cacheSize: 0 }),
    geocode: (ip) => geocoder.lookup(ip),
    classifyReferer: createRefererClassifier(),
  };
}
