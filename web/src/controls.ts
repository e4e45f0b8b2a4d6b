import {
  type DayRange,
  isIsoDay,
  isIsoMonth,
  presetRange,
  RANGE_PRESETS,
  type RangePreset,
} from "./dates.ts";
import { h, uniqueId } from "./dom.ts";
import { LIST_SEPARATOR, listParam, oneOf } from "./state.ts";

/**
 * Form controls bound to URL parameters: each shows its parameter's value (or a default) and puts the
 * shown value back, so that a view's state is always what its URL says and its form shows.
 */

export interface Control {
  readonly element: HTMLElement;
  /** Shows the value `params` holds, or the default. */
  write(params: URLSearchParams): void;
  /** Puts the value shown into `params`. */
  read(params: URLSearchParams): void;
  /** Hidden unless this holds for the state shown (e.g. the month field when the period is a month). */
  shownWhen?: (params: URLSearchParams) => boolean;
}

/** The controls of a view; `onChange` gets the whole state whenever a control changes it. */
export class ControlForm {
  readonly element: HTMLFormElement;
  #shown = "";

  constructor(
    label: string,
    private readonly controls: readonly Control[],
    private readonly onChange: (params: URLSearchParams) => void,
  ) {
    this.element = h("form", { class: "controls", "aria-label": label }, ...controls.map((c) => c.element));
    this.element.addEventListener("submit", (event) => event.preventDefault());
    this.element.addEventListener("change", () => {
      const state = this.#settle();
      if (state !== null) this.onChange(state);
    });
  }

  /** Shows `params`, and answers the complete state shown (defaults filled in). */
  show(params: URLSearchParams): URLSearchParams {
    for (const control of this.controls) control.write(params);
    const state = this.read();
    this.#shown = state.toString();
    this.#applyVisibility(state);
    return state;
  }

  /** The state shown: hidden controls (a month field while the period is a day) leave theirs out. */
  read(): URLSearchParams {
    const everything = new URLSearchParams();
    for (const control of this.controls) control.read(everything);
    const params = new URLSearchParams();
    for (const control of this.controls) if (control.shownWhen?.(everything) ?? true) control.read(params);
    return params;
  }

  /** The new state, or null when a change event left it as it was (a text field's blur after Enter). */
  #settle(): URLSearchParams | null {
    const state = this.read();
    this.#applyVisibility(state);
    if (state.toString() === this.#shown) return null;
    this.#shown = state.toString();
    return state;
  }

  #applyVisibility(state: URLSearchParams): void {
    for (const control of this.controls)
      if (control.shownWhen !== undefined) control.element.hidden = !control.shownWhen(state);
  }
}

function field(label: string, control: HTMLElement, id: string): HTMLElement {
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

export function selectControl(options: {
  key: string;
  label: string;
  choices: readonly (readonly [value: string, text: string])[];
  fallback: string;
  shownWhen?: (params: URLSearchParams) => boolean;
}): Control {
  const id = uniqueId(options.key);
  const values = options.choices.map(([value]) => value);
  const select = h(
    "select",
    { id, name: options.key },
    ...options.choices.map(([value, text]) => h("option", { value }, text)),
  );
  return {
    element: field(options.label, select, id),
    write: (params) => {
      select.value = oneOf(params.get(options.key), values, options.fallback);
    },
    read: (params) => params.set(options.key, select.value),
    shownWhen: options.shownWhen,
  };
}

/** A text field; Enter applies it at once (a change event otherwise waits for the field to lose focus). */
export function textControl(options: {
  key: string;
  label: string;
  fallback: string;
  suggestions?: readonly string[];
  placeholder?: string;
}): Control {
  const id = uniqueId(options.key);
  const listId = `${id}-suggestions`;
  const input = h("input", {
    id,
    name: options.key,
    type: "text",
    list: options.suggestions?.length ? listId : undefined,
    placeholder: options.placeholder,
    autocomplete: "off",
    spellcheck: "false",
  });
  applyOnEnter(input);
  const suggestions = options.suggestions?.length
    ? h("datalist", { id: listId }, ...options.suggestions.map((value) => h("option", { value })))
    : null;
  const element = field(options.label, input, id);
  if (suggestions !== null) element.append(suggestions);
  return {
    element,
    write: (params) => {
      input.value = params.get(options.key)?.trim() || options.fallback;
    },
    read: (params) => params.set(options.key, input.value.trim() || options.fallback),
  };
}

export function checkboxControl(options: { key: string; label: string }): Control {
  const id = uniqueId(options.key);
  const input = h("input", { id, name: options.key, type: "checkbox" });
  return {
    element: h("div", { class: "field checkbox" }, input, h("label", { for: id }, options.label)),
    write: (params) => {
      input.checked = params.get(options.key) === "1";
    },
    read: (params) => {
      if (input.checked) params.set(options.key, "1");
    },
  };
}

/** A day (`<input type=date>`) or a month (`type=month`; a plain text field where unsupported). */
export function dateControl(options: {
  key: string;
  label: string;
  type: "date" | "month";
  fallback: string;
  shownWhen?: (params: URLSearchParams) => boolean;
}): Control {
  const id = uniqueId(options.key);
  const valid = options.type === "date" ? isIsoDay : isIsoMonth;
  const input = h("input", {
    id,
    name: options.key,
    type: options.type,
    required: true,
    placeholder: options.type === "date" ? "YYYY-MM-DD" : "YYYY-MM",
  });
  return {
    element: field(options.label, input, id),
    write: (params) => {
      const value = params.get(options.key) ?? "";
      input.value = valid(value) ? value : options.fallback;
    },
    read: (params) => params.set(options.key, valid(input.value) ? input.value : options.fallback),
    shownWhen: options.shownWhen,
  };
}

const PRESET_NAMES: Readonly<Record<RangePreset, string>> = {
  "last-30": "Last 30 days",
  "last-90": "Last 90 days",
  "this-year": "This year",
  custom: "Custom",
};

/**
 * A date range: a preset (relative to the latest day with data, so its permalink moves with the data)
 * or custom dates. Editing a date makes the range custom.
 */
export function rangeControl(lastDay: string): Control {
  const ids = { preset: uniqueId("range"), start: uniqueId("start"), end: uniqueId("end") };
  const preset = h(
    "select",
    { id: ids.preset, name: "range" },
    ...RANGE_PRESETS.map((value) => h("option", { value }, PRESET_NAMES[value])),
  );
  const start = h("input", { id: ids.start, name: "start", type: "date", required: true });
  const end = h("input", { id: ids.end, name: "end", type: "date", required: true });
  const showDates = (range: DayRange) => {
    start.value = range.start;
    end.value = range.end;
  };
  preset.addEventListener("change", () => {
    if (preset.value !== "custom")
      showDates(presetRange(preset.value as Exclude<RangePreset, "custom">, lastDay));
  });
  for (const input of [start, end])
    input.addEventListener("change", () => {
      preset.value = "custom";
    });
  return {
    element: h(
      "fieldset",
      { class: "range" },
      h("legend", {}, "Dates"),
      field("Range", preset, ids.preset),
      field("From", start, ids.start),
      field("To", end, ids.end),
    ),
    write: (params) => {
      const chosen = oneOf(params.get("range"), RANGE_PRESETS, "last-30");
      const fallback = presetRange(chosen === "custom" ? "last-30" : chosen, lastDay);
      preset.value = chosen;
      showDates(
        chosen === "custom"
          ? {
              start: isIsoDay(params.get("start") ?? "") ? (params.get("start") as string) : fallback.start,
              end: isIsoDay(params.get("end") ?? "") ? (params.get("end") as string) : fallback.end,
            }
          : fallback,
      );
    },
    read: (params) => {
      params.set("range", preset.value);
      if (preset.value !== "custom") return;
      params.set("start", isIsoDay(start.value) ? start.value : presetRange("last-30", lastDay).start);
      params.set("end", isIsoDay(end.value) ? end.value : lastDay);
    },
  };
}

/** The range a state stands for: a preset's days, or its custom dates. */
export function rangeOf(params: URLSearchParams, lastDay: string): DayRange {
  const chosen = oneOf(params.get("range"), RANGE_PRESETS, "last-30");
  if (chosen !== "custom") return presetRange(chosen, lastDay);
  return { start: params.get("start") ?? lastDay, end: params.get("end") ?? lastDay };
}

/**
 * Several entries (articles, projects) shown as removable chips, with a field to add more. Entries
 * pasted with `|` between them are added one by one.
 */
export function listControl(options: {
  key: string;
  label: string;
  max: number;
  fallback: readonly string[];
  placeholder: string;
  suggestions?: readonly string[];
  /** How an entry is shown (titles with spaces instead of underscores). */
  display?: (entry: string) => string;
  /** How an entry is kept, so that two spellings of one entry are one (`Main Page`, `Main_Page`). */
  normalize?: (entry: string) => string;
}): Control {
  const id = uniqueId(options.key);
  const listId = `${id}-suggestions`;
  const display = options.display ?? ((entry: string) => entry);
  const normalize = options.normalize ?? ((entry: string) => entry.trim());
  let entries: string[] = [];
  const chips = h("ul", { class: "chips", "aria-label": `${options.label}: chosen` });
  const input = h("input", {
    id,
    type: "text",
    placeholder: options.placeholder,
    autocomplete: "off",
    spellcheck: "false",
    list: options.suggestions?.length ? listId : undefined,
  });
  const add = h("button", { type: "button", class: "secondary" }, "Add");
  const hint = h("p", { class: "hint", "aria-live": "polite" });
  const element = h(
    "div",
    { class: "field list" },
    h("label", { for: id }, options.label),
    chips,
    h("div", { class: "list-input" }, input, add),
    hint,
  );
  if (options.suggestions?.length)
    element.append(
      h("datalist", { id: listId }, ...options.suggestions.map((value) => h("option", { value }))),
    );

  const render = () => {
    chips.replaceChildren(
      ...entries.map((entry) => {
        const remove = h(
          "button",
          { type: "button", class: "chip-remove", "aria-label": `Remove ${display(entry)}` },
          "×",
        );
        remove.addEventListener("click", () => {
          entries = entries.filter((other) => other !== entry);
          render();
          changed();
          input.focus();
        });
        return h("li", { class: "chip" }, h("span", {}, display(entry)), remove);
      }),
    );
    const full = entries.length >= options.max;
    input.disabled = full;
    add.disabled = full;
    hint.textContent = full ? `At most ${options.max}: remove one to add another.` : "";
  };
  const changed = () => element.dispatchEvent(new Event("change", { bubbles: true }));
  const addTyped = () => {
    const typed = input.value
      .split(LIST_SEPARATOR)
      .map(normalize)
      .filter((entry) => entry !== "" && !entries.includes(entry));
    input.value = "";
    if (typed.length === 0) return;
    entries = [...entries, ...new Set(typed)].slice(0, options.max);
    render();
    changed();
  };
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    addTyped();
  });
  // The field's own change events are not the list's: only adding or removing changes it.
  input.addEventListener("change", (event) => event.stopPropagation());
  add.addEventListener("click", addTyped);

  return {
    element,
    write: (params) => {
      const listed = params.has(options.key) ? listParam(params, options.key) : options.fallback;
      entries = [...new Set(listed.map(normalize))].filter((entry) => entry !== "").slice(0, options.max);
      render();
    },
    read: (params) => params.set(options.key, entries.join(LIST_SEPARATOR)),
  };
}

function applyOnEnter(input: HTMLInputElement): void {
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
}
