export type InputFormat = "webrequest" | "combined" | "vhost_combined";

/** How many non-empty lines at the start of an input are looked at to recognise its format. */
export const DETECTION_SAMPLE_SIZE = 5;

const TIME_FIELD = String.raw`\[\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "`;
/** `%h %l %u [%t] "`: the start of a combined log line. */
const COMBINED_START = new RegExp(String.raw`^\S+ \S+ \S+ ${TIME_FIELD}`);
/** `%v:%p %h %l %u [%t] "`, where %h is an IPv4 or IPv6 address. */
const VHOST_COMBINED_START = new RegExp(
  String.raw`^[^\s:]+:\d+ (?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*) \S+ \S+ ${TIME_FIELD}`,
);

/**
 * The format most of the sample lines look like, or null if none looks like any. Votes rather than
 * the first line alone, so one stray header or garbage line does not decide for a whole file.
 */
export function detectFormat(sampleLines: readonly string[]): InputFormat | null {
  const votes = new Map<InputFormat, number>();
  for (const line of sampleLines) {
    const format = formatOfLine(line);
    if (format) votes.set(format, (votes.get(format) ?? 0) + 1);
  }
  let best: InputFormat | null = null;
  let bestVotes = 0;
  for (const [format, count] of votes) {
    if (count > bestVotes) {
      best = format;
      bestVotes = count;
    }
  }
  return best;
}

function formatOfLine(line: string): InputFormat | null {
  if (line.trimStart().startsWith("{")) return "webrequest";
  if (VHOST_COMBINED_START.test(line)) return "vhost_combined";
  if (COMBINED_START.test(line)) return "combined";
  return null;
}
