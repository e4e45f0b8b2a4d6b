import fastifyAccepts from "@fastify/accepts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * `Accept: text/csv` on any data route: the JSON answer as a table, one row per item, or per entry of
 * an item's list (a top list's articles), with the item's own fields repeated on each row.
 */

type Row = Record<string, unknown>;

/** Lets requests negotiate their format (see {@link wantsCsv}). */
export async function addCsvNegotiation(app: FastifyInstance): Promise<void> {
  await app.register(fastifyAccepts);
}

/** A successful JSON answer as CSV when the client prefers it; any other answer as it is. */
export function csvIfWanted(request: FastifyRequest, reply: FastifyReply, payload: string): string {
  if (reply.statusCode !== 200) return payload;
  if (!String(reply.getHeader("content-type") ?? "").startsWith("application/json")) return payload;
  reply.header("vary", "accept");
  if (!wantsCsv(request)) return payload;
  const body = JSON.parse(payload) as { items?: unknown[] };
  if (!Array.isArray(body.items)) return payload;
  reply.type("text/csv; charset=utf-8");
  return toCsv(body.items);
}

/** Whether the client prefers CSV to JSON (Accept, with its q-values). */
export function wantsCsv(request: FastifyRequest): boolean {
  return (
    request.headers.accept !== undefined &&
    request.accepts().type(["application/json", "text/csv"]) === "text/csv"
  );
}

export function toCsv(items: readonly unknown[]): string {
  const rows = items.flatMap(flatten);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(columns.map((column) => csvField(row[column])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function flatten(item: unknown): Row[] {
  if (item === null || typeof item !== "object") return [{ value: item }];
  const fields: Row = {};
  let entries: unknown[] | undefined;
  for (const [key, value] of Object.entries(item)) {
    if (Array.isArray(value)) entries = value;
    else fields[key] = value;
  }
  if (entries === undefined) return [fields];
  return entries.map((entry) => ({ ...fields, ...(entry as Row) }));
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
function csvField(value: unknown): string {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
