import type { ApiClient, ProjectAvailability } from "./api.ts";
import { addDays, yesterdayUtc } from "./dates.ts";
import type { ViewId } from "./state.ts";
import type { ExportMeta } from "./table-model.ts";

/**
 * What every view needs besides its own state: the API, how far its data goes, and how to record a new
 * state in the URL. How far the data goes comes from this server's availability route; another API
 * does not have it, and the dashboard then takes yesterday as the latest day, as Wikimedia's does.
 */

export const ALL_PROJECTS = "all-projects";
const FALLBACK_PROJECT = "en.wikipedia";

export interface ViewContext {
  api: ApiClient;
  /** The latest day with complete data: date presets end there. */
  lastDay: string;
  /** Projects the API has data for, when it says (for suggestions); `all-projects` excluded. */
  projects: readonly string[];
  defaultProject: string;
  /** Days with data for a project (or `all-projects`), when the API says. */
  availability(project: string): { first: string; last: string } | null;
  /** Records a view's complete state in the URL (without a new history entry). */
  setParams(params: URLSearchParams): void;
  exportMeta(): ExportMeta;
}

export interface MountedView {
  /** Shows the state of `params` (from a permalink, or the defaults), and loads its data. */
  show(params: URLSearchParams): void;
  destroy(): void;
}

export interface View {
  id: ViewId;
  title: string;
  mount(root: HTMLElement, context: ViewContext): MountedView;
}

export interface DataExtent {
  lastDay: string;
  projects: ProjectAvailability[];
}

/** Asks the API how far its data goes; an API without the availability route gets yesterday. */
export async function dataExtent(api: ApiClient, now: Date = new Date()): Promise<DataExtent> {
  const projects = await api.availability(AbortSignal.timeout(5000)).catch(() => []);
  const overall = projects.find((item) => item.project === ALL_PROJECTS);
  const lastHour =
    overall?.last_complete_hour ??
    projects
      .map((item) => item.last_complete_hour)
      .sort()
      .at(-1);
  return { lastDay: lastHour ? lastCompleteDay(lastHour) : yesterdayUtc(now), projects };
}

/** The day of a `YYYYMMDDHH` hour if it is the day's last hour, else the day before. */
function lastCompleteDay(hour: string): string {
  const day = `${hour.slice(0, 4)}-${hour.slice(4, 6)}-${hour.slice(6, 8)}`;
  return hour.slice(8, 10) === "23" ? day : addDays(day, -1);
}

export function createContext(
  api: ApiClient,
  extent: DataExtent,
  setParams: (params: URLSearchParams) => void,
  view: ViewId,
): ViewContext {
  const projects = extent.projects.map((item) => item.project).filter((project) => project !== ALL_PROJECTS);
  const byProject = new Map(extent.projects.map((item) => [item.project, item]));
  return {
    api,
    lastDay: extent.lastDay,
    projects,
    defaultProject:
      projects.length === 0 || projects.includes(FALLBACK_PROJECT)
        ? FALLBACK_PROJECT
        : (projects[0] as string),
    availability(project) {
      const item = byProject.get(project);
      if (item === undefined) return null;
      const day = (hour: string) => `${hour.slice(0, 4)}-${hour.slice(4, 6)}-${hour.slice(6, 8)}`;
      return { first: day(item.first_hour), last: day(item.last_hour) };
    },
    setParams,
    exportMeta: () => ({ view, permalink: location.href, api: new URL(api.base, location.href).href }),
  };
}

/** "No data for these dates", and where the API does have data for the project, when it says. */
export function noDataMessage(context: ViewContext, project: string): string {
  const known = context.availability(project);
  const extent = known === null ? "" : ` The API has ${project} from ${known.first} to ${known.last}.`;
  return `No data for these dates.${extent}`;
}
