import type { RefinedRecord } from "./refine.ts";

/** Bound on remembered values per field; cleared when full, like `memoize`. */
const VALUES_REMEMBERED = 10_000;
/** The most bytes one UTF-16 unit takes in JSON: `\u001f` for a control character. */
const MAX_BYTES_PER_UNIT = 6;
/** Room for anything a field holds besides its text: quotes, `null`, a boolean or a number. */
const MAX_BYTES_BESIDES_TEXT = 24;
const CLOSING_BRACE = 0x7d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NULL = Buffer.from("null");

/**
 * Refined records as JSON, byte for byte what `JSON.stringify(record)` gives in UTF-8, written
 * straight into an output buffer. Most values come from small sets (projects, countries, user-agent
 * families): each is encoded once together with its key and then only copied. Only the title and
 * the ids are encoded for every record. This costs about half of building the JSON string and
 * encoding that.
 */
export class RefinedJsonEncoder {
  readonly #project = new FieldBytes("project");
  readonly #languageVariant = new FieldBytes("language_variant");
  readonly #accessMethod = new FieldBytes("access_method");
  readonly #agentType = new FieldBytes("agent_type");
  readonly #continent = new FieldBytes("continent");
  readonly #countryCode = new FieldBytes("country_code");
  readonly #country = new FieldBytes("country");
  readonly #refererClass = new FieldBytes("referer_class");
  readonly #browserFamily = new FieldBytes("ua_browser_family");
  readonly #osFamily = new FieldBytes("ua_os_family");
  readonly #deviceFamily = new FieldBytes("ua_device_family");
  /** `{"dt":…,"hour":…` for the last time seen: consecutive requests mostly share their second. */
  #dt = "";
  #hour = "";
  #opening = Buffer.alloc(0);

  /** An upper bound on the bytes {@link encodeInto} writes for `record`. */
  maxBytes(record: RefinedRecord): number {
    const textUnits =
      record.dt.length +
      record.hour.length +
      (record.project?.length ?? 0) +
      (record.language_variant?.length ?? 0) +
      (record.article?.length ?? 0) +
      record.access_method.length +
      record.agent_type.length +
      record.continent.length +
      record.country_code.length +
      record.country.length +
      record.referer_class.length +
      record.ua_browser_family.length +
      record.ua_os_family.length +
      record.ua_device_family.length;
    return KEYS_BYTES + FIELD_COUNT * MAX_BYTES_BESIDES_TEXT + textUnits * MAX_BYTES_PER_UNIT;
  }

  /** Writes `record` as JSON into `buffer` at `offset`; returns the offset after it. */
  encodeInto(record: RefinedRecord, buffer: Buffer, offset: number): number {
    let at = copy(this.#openingFor(record.dt, record.hour), buffer, offset);
    at = copy(flagsBytes(record.is_pageview, record.is_redirect_to_pageview), buffer, at);
    at = copy(this.#project.of(record.project), buffer, at);
    at = copy(this.#languageVariant.of(record.language_variant), buffer, at);
    at = copy(ARTICLE_KEY, buffer, at);
    at = writeTitle(record.article, buffer, at);
    at = copy(PAGE_ID_KEY, buffer, at);
    at = writeNumber(record.page_id, buffer, at);
    at = copy(NAMESPACE_ID_KEY, buffer, at);
    at = writeNumber(record.namespace_id, buffer, at);
    at = copy(this.#accessMethod.of(record.access_method), buffer, at);
    at = copy(this.#agentType.of(record.agent_type), buffer, at);
    at = copy(this.#continent.of(record.continent), buffer, at);
    at = copy(this.#countryCode.of(record.country_code), buffer, at);
    at = copy(this.#country.of(record.country), buffer, at);
    at = copy(this.#refererClass.of(record.referer_class), buffer, at);
    at = copy(this.#browserFamily.of(record.ua_browser_family), buffer, at);
    at = copy(this.#osFamily.of(record.ua_os_family), buffer, at);
    at = copy(this.#deviceFamily.of(record.ua_device_family), buffer, at);
    buffer[at] = CLOSING_BRACE;
    return at + 1;
  }

  #openingFor(dt: string, hour: string): Buffer {
    if (dt !== this.#dt || hour !== this.#hour) {
      this.#dt = dt;
      this.#hour = hour;
      this.#opening = Buffer.from(`{"dt":${JSON.stringify(dt)},"hour":${JSON.stringify(hour)}`);
    }
    return this.#opening;
  }
}

/** One field's `,"key":value` bytes, for each value seen. */
class FieldBytes {
  readonly #key: string;
  readonly #null: Buffer;
  readonly #byValue = new Map<string, Buffer>();

  constructor(key: string) {
    this.#key = JSON.stringify(key);
    this.#null = Buffer.from(`,${this.#key}:null`);
  }

  of(value: string | null): Buffer {
    if (value === null) return this.#null;
    let bytes = this.#byValue.get(value);
    if (bytes === undefined) {
      bytes = Buffer.from(`,${this.#key}:${JSON.stringify(value)}`);
      if (this.#byValue.size >= VALUES_REMEMBERED) this.#byValue.clear();
      this.#byValue.set(value, bytes);
    }
    return bytes;
  }
}

/** The two verdict fields, indexed by `is_pageview + 2 × is_redirect_to_pageview`. */
const FLAGS = [false, true].flatMap((isRedirect) =>
  [false, true].map((isPageview) =>
    Buffer.from(`,"is_pageview":${isPageview},"is_redirect_to_pageview":${isRedirect}`),
  ),
);

function flagsBytes(isPageview: boolean, isRedirect: boolean): Buffer {
  return FLAGS[(isPageview ? 1 : 0) + (isRedirect ? 2 : 0)] as Buffer;
}
const ARTICLE_KEY = Buffer.from(`,"article":`);
const PAGE_ID_KEY = Buffer.from(`,"page_id":`);
const NAMESPACE_ID_KEY = Buffer.from(`,"namespace_id":`);

/** The record's keys, in the order JSON.stringify writes them. */
const KEYS = [
  "dt",
  "hour",
  "is_pageview",
  "is_redirect_to_pageview",
  "project",
  "language_variant",
  "article",
  "page_id",
  "namespace_id",
  "access_method",
  "agent_type",
  "continent",
  "country_code",
  "country",
  "referer_class",
  "ua_browser_family",
  "ua_os_family",
  "ua_device_family",
] as const satisfies readonly (keyof RefinedRecord)[];
const FIELD_COUNT = KEYS.length;
/** The bytes of every key with its quotes, colon and separator, and the braces (and a digit per key). */
const KEYS_BYTES = JSON.stringify(Object.fromEntries(KEYS.map((key) => [key, 0]))).length;

function copy(bytes: Buffer, buffer: Buffer, at: number): number {
  buffer.set(bytes, at);
  return at + bytes.length;
}

/** Titles are too many to remember: each is encoded as it comes. */
function writeTitle(title: string | null, buffer: Buffer, at: number): number {
  return title === null ? copy(NULL, buffer, at) : at + buffer.write(JSON.stringify(title), at);
}

/** As JSON.stringify writes numbers: non-finite ones as `null`. Ids are safe integers, written digit by digit. */
function writeNumber(value: number | null, buffer: Buffer, at: number): number {
  if (value === null || !Number.isFinite(value)) return copy(NULL, buffer, at);
  if (!Number.isSafeInteger(value)) return at + buffer.write(String(value), at, "latin1");
  let rest = value;
  if (rest < 0) {
    buffer[at++] = MINUS;
    rest = -rest;
  }
  let digits = 1;
  for (let power = 10; power <= rest; power *= 10) digits++;
  for (let i = at + digits - 1; i >= at; i--) {
    buffer[i] = ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}
