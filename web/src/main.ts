import "./style.css";
import { ApiClient, DEFAULT_API_BASE } from "./api.ts";
import { createContext, type DataExtent, dataExtent, type MountedView, type View } from "./context.ts";
import { h, uniqueId } from "./dom.ts";
import { apiBaseOf, formatRoute, parseRoute, type Route, VIEW_IDS, type ViewId } from "./state.ts";
import { countriesView } from "./views/countries.ts";
import { pageviewsView } from "./views/pageviews.ts";
import { siteviewsView } from "./views/siteviews.ts";
import { topviewsView } from "./views/topviews.ts";

/**
 * The dashboard's shell: the views' navigation, the API setting, and routing. The URL's fragment holds
 * the view and its state; changing it (a link, Back, a pasted permalink) shows that state.
 */

const VIEWS: Readonly<Record<ViewId, View>> = {
  pageviews: pageviewsView,
  topviews: topviewsView,
  siteviews: siteviewsView,
  countries: countriesView,
};

interface Shown {
  view: ViewId;
  apiBase: string;
  mounted: MountedView;
}

const nav = document.getElementById("views") as HTMLElement;
const settings = document.getElementById("settings") as HTMLDetailsElement;
const main = document.getElementById("view") as HTMLElement;

let shown: Shown | null = null;
let extent: { apiBase: string; data: Promise<DataExtent> } | null = null;

function extentOf(api: ApiClient): Promise<DataExtent> {
  if (extent?.apiBase !== api.base) extent = { apiBase: api.base, data: dataExtent(api) };
  return extent.data;
}

/** The view's own parameters: `api` belongs to the whole dashboard. */
function viewParams(params: URLSearchParams): URLSearchParams {
  const own = new URLSearchParams(params);
  own.delete("api");
  return own;
}

function withApi(params: URLSearchParams, apiBase: string): URLSearchParams {
  const all = new URLSearchParams(params);
  if (apiBase !== DEFAULT_API_BASE) all.set("api", apiBase);
  return all;
}

async function showRoute(route: Route): Promise<void> {
  const apiBase = apiBaseOf(route.params);
  renderNav(route.view, apiBase);
  renderSettings(route, apiBase);
  document.title = `${VIEWS[route.view].title} · Pageviews`;
  if (shown === null || shown.view !== route.view || shown.apiBase !== apiBase) {
    shown?.mounted.destroy();
    shown = null;
    main.replaceChildren(h("p", { class: "status" }, "Loading…"));
    const api = new ApiClient(apiBase);
    const data = await extentOf(api);
    // Another route may have been asked for while this one waited.
    if (location.hash !== "" && parseRoute(location.hash).view !== route.view) return;
    const setParams = (params: URLSearchParams) =>
      history.replaceState(null, "", formatRoute({ view: route.view, params: withApi(params, apiBase) }));
    const context = createContext(api, data, setParams, route.view);
    shown = { view: route.view, apiBase, mounted: VIEWS[route.view].mount(main, context) };
  }
  shown.mounted.show(viewParams(route.params));
}

function renderNav(current: ViewId, apiBase: string): void {
  const api = withApi(new URLSearchParams(), apiBase);
  nav.replaceChildren(
    h(
      "ul",
      {},
      ...VIEW_IDS.map((id) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: formatRoute({ view: id, params: api }),
              "aria-current": id === current ? "page" : undefined,
            },
            VIEWS[id].title,
          ),
        ),
      ),
    ),
  );
}

/** Where the data comes from: this server's API by default, or any compatible one. */
function renderSettings(route: Route, apiBase: string): void {
  const id = uniqueId("api");
  const input = h("input", { id, type: "text", value: apiBase, spellcheck: "false", autocomplete: "url" });
  const form = h(
    "form",
    {},
    h("label", { for: id }, "Base URL of the Pageview API"),
    h("div", { class: "list-input" }, input, h("button", { type: "submit" }, "Use")),
    h(
      "p",
      { class: "hint" },
      `For example https://wikimedia.org/api/rest_v1/metrics; empty for this server's (${DEFAULT_API_BASE}).`,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = viewParams(route.params);
    const base = input.value.trim() || DEFAULT_API_BASE;
    location.hash = formatRoute({ view: route.view, params: withApi(params, base) });
  });
  settings.replaceChildren(h("summary", {}, `API: ${apiBase}`), form);
}

window.addEventListener("hashchange", () => void showRoute(parseRoute(location.hash)));
void showRoute(parseRoute(location.hash));
