import { formatNumber } from "./dom.ts";

/**
 * A horizontal bar chart of ranked entries (top articles, countries), in SVG: one bar per entry, the
 * longest for the first. Redrawn at the container's width, so that labels stay readable on a phone.
 */

export interface RankedBar {
  label: string;
  value: number;
  /** Drawn in the warning colour (an entry flagged as likely automated). */
  flagged?: boolean;
}

const SVG = "http://www.w3.org/2000/svg";
const ROW = 24;
const BAR = 16;
const CHAR_WIDTH = 7;

/** Draws the bars into `container`; answers a function that removes them. */
export function drawRankedBars(
  container: HTMLElement,
  bars: readonly RankedBar[],
  label: string,
): () => void {
  const draw = () =>
    container.replaceChildren(rankedBarsSvg(bars, label, Math.max(280, container.clientWidth)));
  draw();
  container.dataset.series = "1";
  container.dataset.points = String(bars.length);
  let width = container.clientWidth;
  const resize = new ResizeObserver(() => {
    if (container.clientWidth === width) return;
    width = container.clientWidth;
    draw();
  });
  resize.observe(container);
  return () => {
    resize.disconnect();
    container.replaceChildren();
    delete container.dataset.series;
    delete container.dataset.points;
  };
}

function rankedBarsSvg(bars: readonly RankedBar[], label: string, width: number): SVGSVGElement {
  const labelWidth = Math.min(260, Math.round(width * 0.38));
  const valueWidth = 64;
  const barSpace = width - labelWidth - valueWidth;
  const max = bars.reduce((most, bar) => Math.max(most, bar.value), 1);
  const height = bars.length * ROW + 4;
  const svg = svgElement("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": label,
    class: "ranked-bars",
  });
  bars.forEach((bar, i) => {
    const y = i * ROW + 2;
    const length = Math.max(1, (bar.value / max) * barSpace);
    const row = svgElement("g", { class: bar.flagged ? "bar flagged" : "bar" });
    const title = svgElement("title", {});
    title.textContent = `${bar.label}: ${formatNumber(bar.value)}`;
    const name = svgElement("text", { x: labelWidth - 8, y: y + BAR - 4, "text-anchor": "end" });
    name.textContent = truncate(bar.label, Math.floor((labelWidth - 8) / CHAR_WIDTH));
    const rect = svgElement("rect", { x: labelWidth, y, width: length, height: BAR, rx: 2 });
    const value = svgElement("text", { x: labelWidth + length + 4, y: y + BAR - 4, class: "value" });
    value.textContent = formatNumber(bar.value);
    row.append(title, name, rect, value);
    svg.append(row);
  });
  return svg;
}

function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, Math.max(1, length - 1))}…`;
}
