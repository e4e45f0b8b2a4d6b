import type { AccessMethod } from "./types.ts";
import type { XAnalytics } from "./x-analytics.ts";

/**
 * The official Wikipedia apps: Android and old iOS send `WikipediaApp/…`, current iOS sends
 * `Wikipedia/5.0.x`. The `.` after `5.0` is unescaped in Wikimedia's regex and kept so.
 */
const APP_USER_AGENT = /Wikipedia(App|\/5.0.)/;

/**
 * How the request reached Wikimedia (refine rule since 2025-08, T401665): the apps by their user
 * agent, mobile web by the `ismobile=1` mark MediaWiki puts in X-Analytics, otherwise desktop.
 */
export function accessMethod(userAgent: string, xAnalytics: XAnalytics): AccessMethod {
  if (APP_USER_AGENT.test(userAgent)) return "mobile app";
  return xAnalytics.get("ismobile") === "1" ? "mobile web" : "desktop";
}

/** A mobile qualifier as the first label or between two labels (`en.m.wikipedia.org`). */
const MOBILE_HOST = /(^(m|zero|wap|mobile)\.)|(\.(m|zero|wap|mobile)\.)/i;

/**
 * The older rule, which tells mobile web by its host (`en.m.wikipedia.org`). Only for logs that
 * carry no X-Analytics header (nginx/Apache combined logs). Unlike Wikimedia's version it ignores
 * the host's case, since such logs keep the Host header as the client sent it.
 */
export function accessMethodFromHost(host: string, userAgent: string): AccessMethod {
  if (APP_USER_AGENT.test(userAgent)) return "mobile app";
  return MOBILE_HOST.test(host) ? "mobile web" : "desktop";
}
