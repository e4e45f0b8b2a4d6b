import { describe, expect, it } from "vitest";
import { readConformanceCsv } from "../../test/support/conformance.ts";
import { projectFromHost } from "./host.ts";
import {
  classifyPageview,
  isApiRequest,
  isPageview,
  isRedirectToPageview,
  namespaceIdFrom,
  pageIdFrom,
  pageviewInfo,
  pageviewRules,
} from "./pageview.ts";
import type { RawRequest } from "./types.ts";
import { parseXAnalytics } from "./x-analytics.ts";

/** A desktop read of an English Wikipedia article; each test changes what it is about. */
function request(fields: Partial<RawRequest> = {}): RawRequest {
  return {
    dt: "2026-07-01T12:00:00Z",
    ip: "198.51.100.7",
    uri_host: "en.wikipedia.org",
    uri_path: "/wiki/Horseshoe_crab",
    uri_query: "",
    http_status: "200",
    content_type: "text/html; charset=UTF-8",
    user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    referer: "-",
    accept_language: "en",
    x_analytics: "-",
    ...fields,
  };
}

function classify(fields: Partial<RawRequest> = {}) {
  const req = request(fields);
  return classifyPageview(req, parseXAnalytics(req.x_analytics));
}

describe("Wikimedia's pageview_test_data.csv", () => {
  const cases = readConformanceCsv("pageview_test_data.csv").map((row, index) => {
    const [description, project, dialect, pageTitle, isPageviewText] = row;
    const [ip, , host, path, query, status, contentType, userAgent, header] = row.slice(6);
    return {
      name: `line ${index + 2}: ${description}`,
      expected: { project, dialect, pageTitle, isPageview: isPageviewText === "true" },
      request: request({
        ip,
        uri_host: host,
        uri_path: path,
        uri_query: query,
        http_status: status,
        content_type: contentType,
        user_agent: userAgent,
        x_analytics: header,
      }),
    };
  });

  it("has all 89 rows", () => {
    expect(cases).toHaveLength(89);
  });

  it.each(cases)("$name", ({ expected, request: req }) => {
    expect(isPageview(req, parseXAnalytics(req.x_analytics))).toBe(expected.isPageview);
    expect(projectFromHost(req.uri_host)).toBe(expected.project);
    if (expected.isPageview) {
      const info = pageviewInfo(req);
      expect(info.project).toBe(expected.project);
      expect(info.languageVariant).toBe(expected.dialect);
      expect(info.pageTitle).toBe(expected.pageTitle);
    }
  });
});

describe("classifyPageview", () => {
  it("admits a desktop read and names every rule it passed", () => {
    expect(classify()).toEqual({
      isPageview: true,
      isRedirectToPageview: false,
      rules: [
        "success-status",
        "wmf-hostname",
        "pageview-hostname",
        "content-consumption",
        "web-content-type",
        "web-not-api-php",
        "web-path-or-query",
        "web-not-edit",
      ],
    });
  });

  it("returns shared frozen verdicts rather than building new ones", () => {
    const first = classify();
    expect(classify({ uri_path: "/wiki/Other" })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.rules)).toBe(true);
    expect(classify({ http_status: "404" })).toBe(classify({ http_status: "500" }));
  });

  describe("success-status", () => {
    it("accepts 304, a page the browser had cached", () => {
      expect(classify({ http_status: "304" }).isPageview).toBe(true);
    });

    it.each(["404", "500", "206", "200 ", "", "-"])(
      "rejects status %j (statuses are compared as strings)",
      (status) => {
        expect(classify({ http_status: status })).toEqual({
          isPageview: false,
          isRedirectToPageview: false,
          rules: ["success-status"],
        });
      },
    );
  });

  describe("wmf-hostname and pageview-hostname", () => {
    it("rejects a host outside Wikimedia's domains", () => {
      expect(classify({ uri_host: "en.wikipedia.org.example.com" }).rules).toEqual(["wmf-hostname"]);
    });

    it.each([
      ["15.wikipedia.org", "/", "?search="],
      ["query.wikidata.org", "/wiki/Q42", ""],
      ["www.wikipedia.org", "/wiki/Foo", ""],
      ["upload.wikimedia.org", "/wiki/Foo", ""],
    ])("rejects %s%s%s, a Wikimedia host that is not a content wiki", (host, path, query) => {
      expect(classify({ uri_host: host, uri_path: path, uri_query: query }).rules).toEqual([
        "pageview-hostname",
      ]);
    });

    it("lower-cases and trims the host first", () => {
      expect(classify({ uri_host: " En.M.Wikipedia.ORG " }).isPageview).toBe(true);
    });
  });

  describe("content-consumption", () => {
    it.each([
      "-",
      "ns=0;page_id=123;https=1",
      "special=Search",
      "special=RECENTCHANGES",
      "special=ViewObject",
    ])("passes X-Analytics %j", (header) => {
      expect(classify({ x_analytics: header }).isPageview).toBe(true);
    });

    it.each([
      "preview=1",
      "debug=1",
      "special=ConfirmEmail",
      "special=Search;preview=1",
      "preview=0",
      "special=ConfirmEmail;WMF-Last-Access=01-Jul-2019",
    ])("rejects X-Analytics %j", (header) => {
      expect(classify({ x_analytics: header }).rules).toEqual(["content-consumption"]);
    });

    it("matches keys exactly, so a key with a leading space is not read", () => {
      expect(classify({ x_analytics: " preview=1" }).isPageview).toBe(true);
    });
  });

  describe("web pageview rules", () => {
    it.each(["text/html", "text/html; charset=utf-8", "text/html; charset=ISO-8859-1"])(
      "accepts content type %j",
      (contentType) => {
        expect(classify({ content_type: contentType }).isPageview).toBe(true);
      },
    );

    it.each(["text/html;charset=UTF-8", "TEXT/HTML", "image/png", "application/json", "-", " text/html"])(
      "rejects content type %j (compared exactly)",
      (contentType) => {
        expect(classify({ content_type: contentType }).rules).toEqual(["web-content-type"]);
      },
    );

    it("rejects api.php, which answers some errors with 200 text/html", () => {
      expect(classify({ uri_path: "/w/api.php", uri_query: "?title=Foo" }).rules).toEqual([
        "web-not-api-php",
      ]);
    });

    it.each([
      ["/wiki/Foo", ""],
      ["/w/index.php", "?title=Foo"],
      ["/v/Foo", ""],
      ["/view/en/Z1", ""],
      ["/sr-el/Foo", ""],
      ["/zh-tw/Foo", ""],
      ["/", "?curid=42"],
      ["/", "?oldid=42"],
      ["/", "?search=crab"],
    ])("accepts the URL shape %s%s", (path, query) => {
      expect(classify({ uri_path: path, uri_query: query }).isPageview).toBe(true);
    });

    it.each([
      ["/static/images/logo.html", ""],
      ["/index.php", "?action=view&title=Foo"],
      ["/zh-xx/Foo", ""],
      ["/wikis/Foo", ""],
    ])("rejects the URL shape %s%s", (path, query) => {
      expect(classify({ uri_path: path, uri_query: query }).rules).toEqual(["web-path-or-query"]);
    });

    it.each(["?action=edit", "?title=Foo&action=submit", "?veaction=edit", "?veaction=editsource"])(
      "rejects the edit request %s",
      (query) => {
        expect(classify({ uri_query: query }).rules).toEqual(["web-not-edit"]);
      },
    );
  });

  describe("app-tagged-pageview", () => {
    const app = "WikipediaApp/2.7.50322-r-2020-06-08 (Android 10; Phone) Google Play";

    it.each([
      ["/api/rest_v1/page/mobile-html/GitHub", "", "text/html"],
      ["/w/api.php", "?action=mobileview&page=Foo", "application/json"],
      ["/api/rest_v1/page/summary/Foo", "", "application/json; charset=utf-8"],
    ])("admits a tagged app request for %s%s whatever its content type", (path, query, contentType) => {
      const verdict = classify({
        user_agent: app,
        uri_path: path,
        uri_query: query,
        content_type: contentType,
        x_analytics: "pageview=1",
      });
      expect(verdict.isPageview).toBe(true);
      expect(verdict.rules).toContain("app-tagged-pageview");
      expect(verdict.rules).not.toContain("web-content-type");
    });

    it("trims the tag's value", () => {
      expect(classify({ user_agent: app, x_analytics: "pageview= 1 " }).isPageview).toBe(true);
    });

    it("never admits an untagged app request, even for /wiki/ HTML", () => {
      expect(classify({ user_agent: app, x_analytics: "ns=0;page_id=1" }).rules).toEqual([
        "app-tagged-pageview",
      ]);
      expect(classify({ user_agent: app, x_analytics: "pageview=0" }).rules).toEqual(["app-tagged-pageview"]);
    });

    it("ignores pageview=1 from a user agent that is not the app", () => {
      expect(classify({ uri_path: "/w/api.php", x_analytics: "pageview=1" }).rules).toEqual([
        "web-not-api-php",
      ]);
    });
  });

  describe("redirects to a pageview", () => {
    it.each(["text/html", "-", " - ", "text/html; charset=UTF-8"])(
      "marks a 302 to /wiki/SomePage with content type %j as a redirect, not a pageview",
      (contentType) => {
        const verdict = classify({
          http_status: "302",
          uri_path: "/wiki/SomePage",
          content_type: contentType,
        });
        expect(verdict.isPageview).toBe(false);
        expect(verdict.isRedirectToPageview).toBe(true);
        expect(verdict.rules).toEqual([
          "redirect-status",
          "redirect-content-type",
          "wmf-hostname",
          "pageview-hostname",
          "content-consumption",
          "web-not-api-php",
          "web-path-or-query",
          "web-not-edit",
        ]);
      },
    );

    it.each(["301", "307"])("accepts status %s", (status) => {
      expect(classify({ http_status: status, content_type: "-" }).isRedirectToPageview).toBe(true);
    });

    it("rejects a redirect with another content type", () => {
      expect(classify({ http_status: "302", content_type: "image/png" }).rules).toEqual([
        "redirect-content-type",
      ]);
    });

    it("rejects a redirect that would not be a pageview, naming the rule it fails", () => {
      expect(classify({ http_status: "302", uri_host: "www.wikipedia.org" })).toEqual({
        isPageview: false,
        isRedirectToPageview: false,
        rules: ["pageview-hostname"],
      });
      expect(classify({ http_status: "302", uri_query: "?action=edit" }).rules).toEqual(["web-not-edit"]);
    });

    it("does not count 303 as a redirect to a pageview", () => {
      expect(classify({ http_status: "303" }).rules).toEqual(["success-status"]);
    });

    it("agrees with isRedirectToPageview and isPageview", () => {
      const req = request({ http_status: "301" });
      const xAnalytics = parseXAnalytics(req.x_analytics);
      expect(isRedirectToPageview(req, xAnalytics)).toBe(true);
      expect(isPageview(req, xAnalytics)).toBe(false);
    });
  });
});

describe("pageviewRules", () => {
  const ids = pageviewRules.map((rule) => rule.id);

  it("has unique kebab-case ids, each with a summary and a reason", () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of pageviewRules) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.reason.length).toBeGreaterThan(10);
    }
  });

  it("names only listed rules in verdicts", () => {
    const verdicts = [
      classify(),
      classify({ http_status: "302" }),
      classify({ user_agent: "WikipediaApp/1" }),
    ];
    for (const verdict of verdicts) for (const id of verdict.rules) expect(ids).toContain(id);
  });
});

describe("isApiRequest", () => {
  it.each([
    ["en.wikipedia.org", "/w/api.php"],
    ["en.wikipedia.org", "/w/api.php?action=query"],
    ["en.wikipedia.org", "/w/rest.php/v1/page/Foo"],
    ["en.wikipedia.org", "/api/rest_v1/page/summary/Foo"],
    ["fr.wikipedia.org", "/api/rest_v2/x"],
    ["api.wikimedia.org", "/core/v1/wikipedia/en/page/Foo"],
    ["query.wikidata.org", "/bigdata/namespace/wdq/sparql?query=SELECT"],
    ["commons-query.wikimedia.org", "/sparql"],
    ["stream.wikimedia.org", "/v2/stream/recentchange"],
  ])("is true for %s%s", (host, path) => {
    expect(isApiRequest(host, path)).toBe(true);
  });

  it.each([
    ["en.wikipedia.org", "/wiki/Foo"],
    ["en.wikipedia.org", "/api/rest_vx/page"],
    ["en.wikipedia.org", "/wiki/w/api.php"],
    ["query.wikidata.org", "/embed.html"],
    ["en.wikipedia.org", "/bigdata/namespace/wdq/sparql"],
    ["en.wikipedia.org", "/sparql"],
    ["en.wikipedia.org", "/v2/stream/recentchange"],
  ])("is false for %s%s", (host, path) => {
    expect(isApiRequest(host, path)).toBe(false);
  });
});

describe("pageviewInfo", () => {
  it("reads project, language variant and title", () => {
    expect(
      pageviewInfo(request({ uri_host: "zh.m.wikipedia.org", uri_path: "/zh-hant/Wikipedia:首页" })),
    ).toEqual({
      project: "zh.wikipedia",
      languageVariant: "zh-hant",
      pageTitle: "Wikipedia:首页",
    });
  });

  it("trims the host before reading the project", () => {
    expect(pageviewInfo(request({ uri_host: " en.wikipedia.org " })).project).toBe("en.wikipedia");
  });
});

describe("pageIdFrom and namespaceIdFrom", () => {
  it("read page_id and ns as integers", () => {
    const xAnalytics = parseXAnalytics("ns=0;page_id=15580374;https=1");
    expect(pageIdFrom(xAnalytics)).toBe(15580374);
    expect(namespaceIdFrom(xAnalytics)).toBe(0);
    expect(namespaceIdFrom(parseXAnalytics("ns=-1"))).toBe(-1);
  });

  it("give null when the key is absent", () => {
    expect(pageIdFrom(parseXAnalytics("-"))).toBeNull();
    expect(namespaceIdFrom(parseXAnalytics("page_id=1"))).toBeNull();
  });

  it.each([
    [" 42 ", 42],
    ["+7", 7],
    ["12.9", 12],
    ["-3.5", -3],
    ["5.", 5],
    ["007", 7],
    ["999999999999999", 999999999999999],
    ["9007199254740991", 9007199254740991],
  ])("cast %j as Spark does → %d", (value, expected) => {
    expect(pageIdFrom(parseXAnalytics(`page_id=${value}`))).toBe(expected);
  });

  it.each(["", "abc", "12abc", "1e3", "-", "0x1A", "1.2.3", "99999999999999999999"])(
    "give null for %j",
    (value) => {
      expect(pageIdFrom(parseXAnalytics(`page_id=${value}`))).toBeNull();
    },
  );
});
