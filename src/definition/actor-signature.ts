import { hash } from "node:crypto";

/** The request fields an actor signature is built from (RS `core/ActorSignatureGenerator.java`). */
export interface ActorSignatureInput {
  ip: string | null;
  userAgent: string | null;
  acceptLanguage: string | null;
  /**
   * `uri_host` for `actor_signature`, or the project family (the host's second-to-last label,
   * e.g. `wikipedia`) for `actor_signature_per_project_family`.
   */
  host: string | null;
  uriQuery: string | null;
  xAnalytics: ReadonlyMap<string, string> | null;
}

/** Only this much of the user agent (in UTF-16 units) goes into the signature. */
const USER_AGENT_PREFIX = 200;
const WMFUUID = "wmfuuid";
const APP_INSTALL_ID = "appInstallID";

/**
 * A pseudonymous id for "the same client" within an hour, used to spot automated traffic:
 * `md5_hex(ip + user_agent[0:200] + accept_language + host + client_id)`, where client_id is the
 * app's `wmfuuid` (X-Analytics) or `appInstallID` (query), else "". Null when ip, user agent,
 * accept-language or host is null, as Hive's concat would give.
 */
export function actorSignature(input: ActorSignatureInput): string | null {
  const { ip, userAgent, acceptLanguage, host } = input;
  if (ip === null || userAgent === null || acceptLanguage === null || host === null) return null;
  const message =
    ip +
    userAgent.slice(0, USER_AGENT_PREFIX) +
    acceptLanguage +
    host +
    clientId(input.uriQuery, input.xAnalytics);
  return javaMd5Hex(message);
}

function clientId(uriQuery: string | null, xAnalytics: ReadonlyMap<string, string> | null): string {
  const wmfuuid = xAnalytics?.get(WMFUUID);
  if (wmfuuid !== undefined) return wmfuuid;
  if (uriQuery === null) return "";
  // Position 0 does not count: real queries start with `?`.
  const keyAt = uriQuery.indexOf(APP_INSTALL_ID);
  if (keyAt <= 0) return "";
  const end = uriQuery.indexOf("&", keyAt);
  // Skips the key and the one character after it (`=`). Where Java's substring would throw
  // (`appInstallID` right before `&` or at the end), the id is empty.
  return uriQuery.slice(keyAt + APP_INSTALL_ID.length + 1, end < 0 ? uriQuery.length : end);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * MD5 the way the Java does it: `digest.update(s.getBytes(), 0, s.length())`. That hashes only the
 * first `s.length()` bytes of the UTF-8 encoding, and `length()` counts UTF-16 units, so any
 * non-ASCII text loses the tail of its bytes. Java also encodes a lone surrogate (e.g. an emoji
 * cut in half by the 200-unit user-agent prefix) as `?`, where Node would write U+FFFD.
 */
function javaMd5Hex(message: string): string {
  // All ASCII: bytes and UTF-16 units coincide. (One-shot hashes: a Hash object per request cost more.)
  if (Buffer.byteLength(message, "utf8") === message.length) return hash("md5", message, "hex");
  const bytes = Buffer.from(message.replace(LONE_SURROGATE, "?"), "utf8");
  return hash("md5", bytes.subarray(0, message.length), "hex");
}
