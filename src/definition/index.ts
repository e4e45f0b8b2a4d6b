import { actorLabelRules } from "./actor-label.ts";
import { combinedContentTypeRule } from "./combined-content-type.ts";
import { pageviewRules } from "./pageview.ts";
import { refererRules } from "./referer.ts";
import { spiderRules } from "./spider.ts";

/** One rule of the definition, as `refine --explain` names it and docs/definition.md documents it. */
export interface DefinitionRule {
  readonly id: string;
  readonly summary: string;
  readonly reason: string;
}

export interface RuleGroup {
  /** What the group decides, e.g. `pageview`. */
  readonly decides: string;
  readonly rules: readonly DefinitionRule[];
}

/**
 * A version of the pageview definition: every rule that decides what is counted and how. Data
 * carries the version it was computed with, so a later version can be added beside this one
 * and hours re-processed under it, without mixing the two.
 */
export interface PageviewDefinition {
  readonly version: string;
  /** The Wikimedia code this version reproduces. */
  readonly equivalentTo: string;
  readonly groups: readonly RuleGroup[];
}

export const definitionV1: PageviewDefinition = Object.freeze({
  version: "1.0",
  equivalentTo:
    "Wikimedia analytics-refinery-source v0.3.22 (+1, f9adc85b, July 2026) and analytics-refinery 2a25417d",
  groups: Object.freeze([
    { decides: "pageview", rules: pageviewRules },
    { decides: "agent type: spider", rules: spiderRules },
    { decides: "agent type: automated", rules: actorLabelRules },
    { decides: "referer class", rules: refererRules },
    { decides: "content type of combined logs", rules: [combinedContentTypeRule] },
  ]),
});

/** Every version this program can apply, by version string. */
export const definitions: ReadonlyMap<string, PageviewDefinition> = new Map([
  [definitionV1.version, definitionV1],
]);

export const currentDefinition = definitionV1;

export function allRules(definition: PageviewDefinition): DefinitionRule[] {
  return definition.groups.flatMap((group) => group.rules);
}
