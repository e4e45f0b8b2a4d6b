/**
 * Wikimedia's referer pattern table (RS `core/referer/{SearchEngine,MediaSites,AIChatbots}Definition.java`
 * at `f9adc85b`), transcribed from `referer_definitions.tsv`. Host and param patterns are Java regex
 * source, kept verbatim; `referer.ts` builds the whole-URL patterns from them. Order matters: within a
 * category the first matching definition names the referer.
 */

export type RefererCategory = "external (search engine)" | "external (media sites)" | "external (AI chatbot)";

export interface RefererDefinition {
  category: RefererCategory;
  /** The Java enum constant, for cross-reference with Wikimedia's code. */
  id: string;
  /** `referer_name` when this definition matches. */
  name: string;
  /**
   * Must match the URL from the start of one of the host's labels (right after `//` or after a `.`),
   * unless `hostPatternStart` says otherwise. It may run on past the host (`t\.co[^a-zA-Z0-9\.]`).
   */
  hostPattern: string;
  /** If set, must also match somewhere after the first `?` that follows the host pattern. */
  paramPattern?: string;
  /**
   * `anywhere`: the host pattern may start anywhere between `//` and the first `?` or `/`. Only
   * Wikimedia's catch-all "Predicted Other" search engine uses it, so that `yellow-search.org` counts.
   */
  hostPatternStart?: "anywhere";
}

export const refererDefinitions: readonly RefererDefinition[] = [
  { category: "external (search engine)", id: "AOL", name: "AOL", hostPattern: String.raw`search\.aol\.` },
  { category: "external (search engine)", id: "ASK", name: "Ask", hostPattern: String.raw`ask\.com` },
  { category: "external (search engine)", id: "AU", name: "AU", hostPattern: String.raw`search\.auone\.jp` },
  { category: "external (search engine)", id: "BAIDU", name: "Baidu", hostPattern: String.raw`baidu\.com` },
  { category: "external (search engine)", id: "BING", name: "Bing", hostPattern: String.raw`bing\.com` },
  {
    category: "external (search engine)",
    id: "BRAVE",
    name: "Brave",
    hostPattern: String.raw`search\.brave\.com`,
  },
  {
    category: "external (search engine)",
    id: "COC_COC",
    name: "Coc Coc",
    hostPattern: String.raw`coccoc\.com`,
  },
  {
    category: "external (search engine)",
    id: "DAUM",
    name: "Daum",
    hostPattern: String.raw`search\.daum\.net`,
  },
  {
    category: "external (search engine)",
    id: "DDG",
    name: "DuckDuckGo",
    hostPattern: String.raw`duckduckgo\.(com|mobile.android)`,
  },
  {
    category: "external (search engine)",
    id: "DOCOMO",
    name: "Docomo",
    hostPattern: String.raw`docomo\.ne\.jp`,
  },
  {
    category: "external (search engine)",
    id: "ECOSIA",
    name: "Ecosia",
    hostPattern: String.raw`ecosia\.(org|android)`,
  },
  {
    category: "external (search engine)",
    id: "GOOGLE",
    name: "Google",
    hostPattern: String.raw`google\.([A-Za-z]{2,3}(\.[A-Za-z]{0,3})?(/.*|$)|android|earth)`,
  },
  {
    category: "external (search engine)",
    id: "GOOGLE_TRANSLATE",
    name: "Google Translate",
    hostPattern: String.raw`translate\.googleusercontent\.`,
    paramPattern: "prev=search|client=srp",
  },
  { category: "external (search engine)", id: "KAGI", name: "Kagi", hostPattern: String.raw`kagi\.com` },
  {
    category: "external (search engine)",
    id: "LILO",
    name: "Lilo",
    hostPattern: String.raw`lilo\.(org|mobile.android)`,
  },
  {
    category: "external (search engine)",
    id: "MYWAY",
    name: "MyWay",
    hostPattern: String.raw`search\.myway\.com`,
  },
  {
    category: "external (search engine)",
    id: "NAVER",
    name: "Naver",
    hostPattern: String.raw`search\.naver\.com`,
  },
  {
    category: "external (search engine)",
    id: "PETAL",
    name: "Petal",
    hostPattern: String.raw`petalsearch\.com`,
  },
  {
    category: "external (search engine)",
    id: "QWANT",
    name: "Qwant",
    hostPattern: String.raw`qwant\.(com|liberty)`,
  },
  {
    category: "external (search engine)",
    id: "RAKUTEN",
    name: "Rakuten",
    hostPattern: String.raw`rakuten\.[A-Za-z]{2,3}(\.[A-Za-z]{0,3})?(/.*|$)`,
  },
  {
    category: "external (search engine)",
    id: "SEZNAM",
    name: "Seznam",
    hostPattern: String.raw`seznam\.(cz|sbrowser|mapy)`,
  },
  {
    category: "external (search engine)",
    id: "STARTPAGE",
    name: "Startpage",
    hostPattern: String.raw`(startpage|ixquick)\.[A-Za-z]{2,3}(\.[A-Za-z]{0,3})?(/.*|$)`,
  },
  { category: "external (search engine)", id: "VK", name: "VK", hostPattern: String.raw`go\.mail\.ru` },
  {
    category: "external (search engine)",
    id: "YAHOO",
    name: "Yahoo",
    hostPattern: String.raw`search\.yahoo\.`,
  },
  {
    category: "external (search engine)",
    id: "YANDEX",
    name: "Yandex",
    hostPattern: String.raw`ya\.ru|yandex\.([A-Za-z]{2,3}(\.[A-Za-z]{0,3})?(/.*|$)|browser|searchplugin|searchapp|translate)`,
  },
  {
    category: "external (search engine)",
    id: "PREDICTED_OTHER",
    name: "Predicted Other",
    hostPattern: String.raw`(^.?|(?<!re)|(^|\.)(pre|secure))(search|suche)`,
    hostPatternStart: "anywhere",
  },
  { category: "external (media sites)", id: "BLUESKY", name: "Bluesky", hostPattern: String.raw`bsky\.app` },
  {
    category: "external (media sites)",
    id: "COURSERA",
    name: "Coursera",
    hostPattern: String.raw`coursera\.(org|com)`,
  },
  {
    category: "external (media sites)",
    id: "DISCORD",
    name: "Discord",
    hostPattern: String.raw`discord\.com`,
  },
  {
    category: "external (media sites)",
    id: "FACEBOOK",
    name: "Facebook",
    hostPattern: String.raw`(facebook\.(com|co))|(messenger\.com)`,
  },
  { category: "external (media sites)", id: "GITHUB", name: "Github", hostPattern: String.raw`github\.com` },
  {
    category: "external (media sites)",
    id: "INSTAGRAM",
    name: "Instagram",
    hostPattern: String.raw`(ig\.me)|((instagram|cdninstagram)\.com)`,
  },
  {
    category: "external (media sites)",
    id: "LINKEDIN",
    name: "LinkedIn",
    hostPattern: String.raw`(linkedin\.(com|android))|lnkd\.in`,
  },
  { category: "external (media sites)", id: "MEDIUM", name: "Medium", hostPattern: String.raw`medium\.com` },
  {
    category: "external (media sites)",
    id: "PINTEREST",
    name: "Pinterest",
    hostPattern: String.raw`((pin\.it)|(pinimg\.com)|\.pinterest)|pinterest`,
  },
  {
    category: "external (media sites)",
    id: "QUORA",
    name: "Quora",
    hostPattern: String.raw`(quora\.com)|(quoracdn\.net)`,
  },
  {
    category: "external (media sites)",
    id: "REDDIT",
    name: "Reddit",
    hostPattern: String.raw`(reddit\.com)|(redd\.it)|(com\.reddit)`,
  },
  {
    category: "external (media sites)",
    id: "STACKOVERFLOW",
    name: "Stackoverflow",
    hostPattern: String.raw`((stackexchange|stackapps|askubuntu|blogoverflow|stackoverflow)\.com)|mathoverflow\.net`,
  },
  { category: "external (media sites)", id: "STEAM", name: "Steam", hostPattern: String.raw`steam\.com` },
  {
    category: "external (media sites)",
    id: "THREADS",
    name: "Threads",
    hostPattern: String.raw`threads\.com`,
  },
  { category: "external (media sites)", id: "TIKTOK", name: "Tiktok", hostPattern: String.raw`tiktok\.com` },
  { category: "external (media sites)", id: "TWITCH", name: "Twitch", hostPattern: String.raw`twitch\.tv` },
  {
    category: "external (media sites)",
    id: "TWITTER",
    name: "Twitter",
    hostPattern: String.raw`(x\.com)|(t\.co$)|(t\.co[^a-zA-Z0-9\.])|((twitter|twimg|twttr)\.(com|android))`,
  },
  {
    category: "external (media sites)",
    id: "YCOMBINATOR",
    name: "Ycombinator",
    hostPattern: String.raw`(startupschool\.org)|(ycombinator\.com)`,
  },
  {
    category: "external (media sites)",
    id: "YOUTUBE",
    name: "Youtube",
    hostPattern: String.raw`((youtube|googlevideo|ytimg)\.com)|(youtu\.be)`,
  },
  {
    category: "external (AI chatbot)",
    id: "CHATGPT",
    name: "ChatGPT",
    hostPattern: String.raw`chatgpt\.com`,
  },
  { category: "external (AI chatbot)", id: "CLAUDE", name: "Claude", hostPattern: String.raw`claude\.ai` },
  {
    category: "external (AI chatbot)",
    id: "COPILOT",
    name: "Copilot",
    hostPattern: String.raw`copilot\.microsoft\.com`,
  },
  {
    category: "external (AI chatbot)",
    id: "GEMINI",
    name: "Gemini",
    hostPattern: String.raw`(gemini\.google\.com)|(deepmind\.google)`,
  },
  { category: "external (AI chatbot)", id: "GROK", name: "Grok", hostPattern: String.raw`grok\.com` },
  {
    category: "external (AI chatbot)",
    id: "PERPLEXITY",
    name: "Perplexity",
    hostPattern: String.raw`perplexity\.ai`,
  },
];
