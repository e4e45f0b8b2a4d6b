import { describe, expect, it } from "vitest";
import { decodePercentEncoding, languageVariantFromPath, pageTitleFromUri } from "./uri.ts";

describe("languageVariantFromPath", () => {
  it.each([
    ["/wiki/Horseshoe_crab", "default"],
    ["/w/index.php", "default"],
    ["/", "default"],
    ["/wiki", "default"],
    ["/w", "default"],
    ["/api/rest_v1/page/mobile-html/GitHub", "default"],
    ["/api/rest_v2/page/Foo", "default"],
    ["/sr-ec/Србија", "sr-ec"],
    ["/sr-el/Srbija", "sr-el"],
    ["/zh-hant/Wikipedia:首页", "zh-hant"],
    ["/zh/Wikipedia:首页", "default"],
    ["/view/en/Z1", "en"],
    ["/view/Z1", "default"],
    ["/w/api.php", "-"],
    ["", "-"],
    ["no-slash", "-"],
  ])("%j → %s", (path, variant) => {
    expect(languageVariantFromPath(path)).toBe(variant);
  });

  it("reads the path of a full URL that ended up in the path field", () => {
    expect(languageVariantFromPath("https://zh.wikipedia.org/zh-tw/Foo")).toBe("zh-tw");
  });

  it("ignores the query and repeated slashes", () => {
    expect(languageVariantFromPath("//zh-hk//Foo?variant=zh-cn")).toBe("zh-hk");
    expect(languageVariantFromPath("/w/api.php?action=query")).toBe("-");
  });
});

describe("pageTitleFromUri", () => {
  describe("examples from Wikimedia's tests", () => {
    it.each([
      ["/wiki/Horseshoe%20crab#anchor", "", "Horseshoe_crab"],
      ["/w/index.php", "?title=Horseshoe+crab", "Horseshoe_crab"],
      ["/w/index.php", "?oldid=1", "-"],
      ["/", "?search=x", "-"],
      ["/wiki/Star_Wars_[film]", "", "-"],
      ["/wiki/Die_Hard_<film_series>", "", "-"],
      ["/wiki/Memento_{film}", "", "-"],
      ["/wiki/<script>", "", "-"],
      ["/wiki/%3Cscript%3E", "", "-"],
      ["/w/index.php", "?title=%3Cscript%3E", "-"],
      ["/wiki/++", "", "++"],
      ["/wiki/Two Words", "", "Two_Words"],
    ])("%s %s → %s", (path, query, title) => {
      expect(pageTitleFromUri(path, query)).toBe(title);
    });

    it("reads the page parameter of an action API request", () => {
      const query = "?action=mobileview&format=json&page=Hachiko_–_Eine_wunderbare_Freundschaft&sections=all";
      expect(pageTitleFromUri("/w/api.php", query)).toBe("Hachiko_–_Eine_wunderbare_Freundschaft");
      expect(languageVariantFromPath("/w/api.php")).toBe("-");
    });
  });

  it.each([
    ["/api/rest_v1/page/mobile-html/GitHub", "GitHub"],
    ["/api/rest_v1/page/mobile-sections/Sept_Merveilles_du_monde", "Sept_Merveilles_du_monde"],
    ["/api/rest_v1/page/mobile-sections-lead/Foo", "Foo"],
    ["/view/en/Z1", "Z1"],
    ["/zh-hant/Wikipedia:首页", "Wikipedia:首页"],
    ["/wiki/Horseshoe/crab", "Horseshoe/crab"],
    ["//wiki//Foo", "Foo"],
  ])("reads the title from the path %s", (path, title) => {
    expect(pageTitleFromUri(path, "-")).toBe(title);
  });

  it("takes what follows the first /w/, so /w/index.php/Foo gives index.php/Foo as in Wikimedia's", () => {
    expect(pageTitleFromUri("/w/index.php/Foo", "?page=Bar")).toBe("index.php/Foo");
  });

  it("prefers the title parameter to the path, and the path of /wiki/ URLs to the page parameter", () => {
    expect(pageTitleFromUri("/wiki/Foo", "?title=Bar")).toBe("Bar");
    expect(pageTitleFromUri("/wiki/Foo", "?page=Bar")).toBe("Foo");
    expect(pageTitleFromUri("/w/index.php", "?page=Bar")).toBe("Bar");
  });

  it("takes the first title parameter that has a value", () => {
    expect(pageTitleFromUri("/w/index.php", "?title=&title=First&title=Second")).toBe("First");
    expect(pageTitleFromUri("/w/index.php", "title=NoQuestionMark")).toBe("NoQuestionMark");
  });

  it("gives '-' for an index.* script without title", () => {
    expect(pageTitleFromUri("/w/index.php", "?curid=5")).toBe("-");
  });

  it.each([
    ["/wiki/Line\nbreak", ""],
    ["/wiki/Carriage\rreturn", ""],
    ["/wiki/Tab\there", ""],
    ["/w/index.php", "?title=Line%0Abreak"],
    ["/w/index.php", "?title=Carriage%0Dreturn"],
    ["/w/index.php", "?title=Tab%09here"],
    ["/w/index.php", "?title=Delete%7F"],
  ])("rejects control characters: %j %j", (path, query) => {
    expect(pageTitleFromUri(path, query)).toBe("-");
  });

  it("keeps a title of exactly 512 UTF-8 bytes and rejects 513", () => {
    const ascii512 = `512_chars_${"1".repeat(502)}`;
    expect(pageTitleFromUri(`/wiki/${ascii512}`, "")).toBe(ascii512);
    expect(pageTitleFromUri(`/wiki/${ascii512}1`, "")).toBe("-");
  });

  it("counts the limit in bytes, not characters", () => {
    const twoByte256 = "é".repeat(256);
    expect(pageTitleFromUri(`/wiki/${twoByte256}`, "")).toBe(twoByte256);
    expect(pageTitleFromUri(`/wiki/${twoByte256}a`, "")).toBe("-");
    expect(pageTitleFromUri(`/wiki/${"首页".repeat(86)}`, "")).toBe("-");
    const emoji128 = "🍆".repeat(128);
    expect(pageTitleFromUri(`/wiki/${emoji128}`, "")).toBe(emoji128);
    expect(pageTitleFromUri(`/wiki/${emoji128}a`, "")).toBe("-");
  });

  it("gives '-' when a full URL in the path has no path after the host", () => {
    expect(pageTitleFromUri("https://en.wikipedia.org", "")).toBe("-");
  });
});

describe("decodePercentEncoding", () => {
  it.each([
    ["Horseshoe%20crab", "Horseshoe crab"],
    ["%E2%80%93", "–"],
    ["%c3%a9t%C3%A9", "été"],
    ["100%_sure", "100%_sure"],
    ["50%", "50%"],
    ["%2", "%2"],
    ["%zz", "%zz"],
    ["a+b", "a+b"],
    ["%F0%9F%8D%86", "🍆"],
  ])("%j → %j", (encoded, decoded) => {
    expect(decodePercentEncoding(encoded)).toBe(decoded);
  });

  it("turns malformed UTF-8 into U+FFFD", () => {
    expect(decodePercentEncoding("a%FFb")).toBe("a\uFFFDb");
  });

  it("keeps a decoded byte-order mark as part of the text", () => {
    expect(decodePercentEncoding("%EF%BB%BFFoo")).toBe("\uFEFFFoo");
  });

  it.each([
    ["an overlong encoding", "%C0%AF", "\uFFFD\uFFFD"],
    ["an encoded surrogate", "%ED%A0%80x", "\uFFFD\uFFFD\uFFFDx"],
    ["a sequence cut short", "%E2%82é", "\uFFFDé"],
    ["a code point past U+10FFFF", "%F4%90%80%80", "\uFFFD\uFFFD\uFFFD\uFFFD"],
    ["a lone surrogate in the text", "\uD800%20", "\uFFFD "],
  ])("reads %s as UTF-8 bytes do", (_case, encoded, decoded) => {
    expect(decodePercentEncoding(encoded)).toBe(decoded);
  });

  it("agrees with decoding the UTF-8 bytes on every mix of escapes and characters", () => {
    const pieces = ["%", "%2", "%25", "%C3%A9", "%C3", "%A9", "%E2%82%AC", "%F0%9F%98%80", "%ED%A0%80"];
    pieces.push("%C0%AF", "%F4%8F%BF%BF", "%ef%bb%bf", "%zz", "%7F", "%FF", "a", "é", "😀", "\uD800", "+");
    let seed = 1;
    const nextPiece = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return pieces[seed % pieces.length] as string;
    };
    for (let n = 0; n < 20_000; n++) {
      const text = nextPiece() + nextPiece() + nextPiece() + nextPiece();
      expect(decodePercentEncoding(text), JSON.stringify(text)).toBe(decodeBytes(text));
    }
  });
});

/** The definition itself: replace each escape in the UTF-8 bytes, then decode them. */
function decodeBytes(text: string): string {
  const bytes = [...new TextEncoder().encode(text)];
  const decoded: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const hex = String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0);
    if (bytes[i] === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      decoded.push(Number.parseInt(hex, 16));
      i += 2;
    } else decoded.push(bytes[i] as number);
  }
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array(decoded));
}
