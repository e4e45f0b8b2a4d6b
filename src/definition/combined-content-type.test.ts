import { describe, expect, it } from "vitest";
import { combinedContentTypeRule } from "./combined-content-type.ts";

describe("combinedContentTypeRule", () => {
  const { contentType } = combinedContentTypeRule;

  it("names itself so the definition can cite it", () => {
    expect(combinedContentTypeRule.id).toBe("combined-content-type");
    expect(combinedContentTypeRule.reason).toContain("text/html; charset=utf-8");
  });

  it.each([
    ["GET", "/wiki/Main_Page", "200"],
    ["HEAD", "/wiki/Main_Page", "200"],
    ["GET", "/wiki/Main_Page", "304"],
    ["GET", "/w/index.php", "200"],
    ["GET", "/", "200"],
    ["GET", "/wiki/Mr._Robot", "200"],
    ["GET", "/wiki/File:Example.jpg.html", "200"],
    // Article paths end in the title, which may end like a file name.
    ["GET", "/wiki/Node.js", "200"],
    ["GET", "/wiki/File:Example.jpg", "200"],
  ])("takes %s %s answered %s to be an HTML page", (method, path, status) => {
    expect(contentType(method, path, status)).toBe("text/html; charset=utf-8");
  });

  it.each([
    ["POST", "/wiki/Main_Page", "200"],
    ["GET", "/wiki/Main_Page", "301"],
    ["GET", "/wiki/Main_Page", "404"],
    ["GET", "/assets/app.js", "200"],
    ["GET", "/skins/main.CSS", "200"],
    ["GET", "/favicon.ico", "200"],
    ["GET", "/fonts/x.woff2", "200"],
    ["GET", "/robots.txt", "200"],
    ["GET", "/video/clip.webm", "200"],
    ["GET", "/w/Node.js", "200"],
    ["GET", "/static/current/skins/page", "200"],
    ["GET", "/w/load.php", "200"],
    ["GET", "/w/api.php", "200"],
    ["GET", "/api/rest_v1/page/html/Main_Page", "200"],
  ])("does not take %s %s answered %s to be an HTML page", (method, path, status) => {
    expect(contentType(method, path, status)).toBe("-");
  });
});
