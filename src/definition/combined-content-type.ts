const STATIC_ASSET_EXTENSIONS = new Set(
  "js css png jpg jpeg gif svg ico woff woff2 ttf json xml txt pdf webp avif mp4 webm ogg mp3".split(" "),
);
const NON_PAGE_PATHS = /^(?:\/static\/|\/w\/load\.php|\/w\/api\.php|\/api\/rest_v1\/)/;

/**
 * The content type a combined-log request is taken to have, since the log does not record it. The
 * pageview definition only counts `text/html` responses, so this decides which requests can be
 * pageviews at all.
 */
export const combinedContentTypeRule = {
  id: "combined-content-type",
  summary: "A combined-log request's Content-Type is inferred from its method, status and path.",
  reason:
    "Combined logs do not record the response Content-Type. A GET or HEAD answered with 200 or 304 " +
    "for a path that looks like an HTML page (under /wiki/, or with no static-asset extension such as " +
    ".js, .css or .png; and not under /static/, /w/load.php, /w/api.php or /api/rest_v1/) is taken to be " +
    '"text/html; charset=utf-8"; any other request gets "-".',
  contentType(method: string, path: string, httpStatus: string): string {
    const answered = httpStatus === "200" || httpStatus === "304";
    const read = method === "GET" || method === "HEAD";
    return answered && read && looksLikeHtmlPage(path) ? "text/html; charset=utf-8" : "-";
  },
};

function looksLikeHtmlPage(path: string): boolean {
  if (NON_PAGE_PATHS.test(path)) return false;
  // Article URLs end in the title, and titles may end like file names (Node.js, File:Example.jpg).
  if (path.startsWith("/wiki/")) return true;
  const lastSegment = path.slice(path.lastIndexOf("/") + 1);
  const dot = lastSegment.lastIndexOf(".");
  return dot === -1 || !STATIC_ASSET_EXTENSIONS.has(lastSegment.slice(dot + 1).toLowerCase());
}
