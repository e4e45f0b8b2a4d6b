import type { FastifySchemaValidationError } from "fastify/types/schema.js";
import { type ApiProblem, invalidRequest } from "./problem.ts";

/** Path parameters whose names differ from the route templates' (a `-` cannot be in a router's name). */
const TEMPLATE_NAMES: Readonly<Record<string, string>> = { accessSite: "access-site" };

/**
 * A schema violation (an access, agent or granularity not in the enum) as a 400 that names the parameter, the value and what is allowed.
 */
export function validationProblem(
  errors: readonly FastifySchemaValidationError[],
  params: unknown,
  query: unknown,
): ApiProblem {
  return invalidRequest(errors.map((error) => describe(error, { ...asRecord(query), ...asRecord(params) })));
}

function describe(error: FastifySchemaValidationError, values: Record<string, unknown>): string {
  const key = error.instancePath.replace(/^\//, "");
  const name = TEMPLATE_NAMES[key] ?? key;
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    const value = String(values[key]);
    // Clients from before April 2020 still send Wikimedia's old name for `automated`.
    const renamed = key === "agent" && value === "bot" ? " (`bot` was renamed `automated` in 2020)" : "";
    return `The parameter \`${name}\` must be one of ${allowed.join(", ")}; \`${value}\` is not${renamed}.`;
  }
  return `The parameter \`${name}\` ${error.message ?? "is invalid"}.`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}
