/**
 * Lossless coercion of one event field to its declared type. A value that converts without
 * losing information is converted ("42" -> 42, "720251727.0" -> 720251727, 6 -> "6"); any
 * other value gives null and a problem text (`order_id: expected integer, got "abc"`).
 */

/** Where the field problems of the row being staged go, as `<field>: <what is wrong>`. */
export interface Problems {
  push(problem: string): unknown;
}

const PREVIEW_CHARS = 60;
// An integer written as text, optionally with a zero fraction ("720251727.0"), spaces around.
const INTEGER_TEXT = /^\s*(-?\d+)(?:\.0+)?\s*$/;
const MAX_INTEGER_DIGITS = 40;

/** Short JSON rendering of a value for a problem text. */
export function preview(value: unknown): string {
  if (typeof value === "string" && value.length > PREVIEW_CHARS) {
    return `${JSON.stringify(value.slice(0, PREVIEW_CHARS))}...`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= PREVIEW_CHARS ? text : `${text.slice(0, PREVIEW_CHARS)}...`;
}

/** Whether a value counts as absent: null, "", [] or {} (the original dropped all four). */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (typeof value !== "object") return false;
  if (Array.isArray(value)) return value.length === 0;
  for (const _ in value) return false;
  return true;
}

/** `text` cut to at most `maxChars` UTF-16 units without splitting a surrogate pair. */
export function truncate(text: string, maxChars: number): string {
  let end = maxChars;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

function expected(name: string, type: string, value: unknown, problems: Problems): null {
  problems.push(`${name}: expected ${type}, got ${preview(value)}`);
  return null;
}

/**
 * A string field: strings as sent, numbers as their decimal text; booleans only when
 * `booleans` is set (as "true"/"false"). Longer than `maxChars`: truncated, with a problem.
 */
export function asText(
  name: string,
  value: unknown,
  maxChars: number,
  problems: Problems,
  booleans = false,
): string | null {
  if (typeof value === "string") {
    if (value.length <= maxChars) return value;
    problems.push(`${name}: ${value.length} characters, truncated to ${maxChars}`);
    return truncate(value, maxChars);
  }
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean" && booleans) return value ? "true" : "false";
  return expected(name, "string", value, problems);
}

/** The digits of an integer sent as a number or as text; null when it is not one. */
export function integerDigits(value: unknown): string | null {
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : null;
  if (typeof value !== "string" || value.length > MAX_INTEGER_DIGITS) return null;
  const match = INTEGER_TEXT.exec(value);
  return match?.[1] ?? null;
}

/** An integer between `min` and `max` (inclusive), from a number or exact integer text. */
export function asInteger(
  name: string,
  value: unknown,
  min: number,
  max: number,
  problems: Problems,
): number | null {
  const digits = integerDigits(value);
  if (digits === null) return expected(name, "integer", value, problems);
  const number = Number(digits);
  if (number >= min && number <= max && Number.isSafeInteger(number)) return number;
  problems.push(`${name}: ${digits} is out of range ${min}..${max}`);
  return null;
}

/**
 * A 64-bit integer (order_id) from a number or exact integer text ("720251727.0" -> 720251727).
 * A value that is not one, or not one JavaScript holds exactly (|n| >= 2^53), is null with a
 * problem and kept as sent in `misfits` under its name.
 */
export function asBigint(
  name: string,
  value: unknown,
  problems: Problems,
  misfits: { add(key: string, value: unknown): void },
): number | null {
  const digits = integerDigits(value);
  const number = digits === null ? NaN : Number(digits);
  if (Number.isSafeInteger(number)) return number;
  problems.push(`${name}: expected integer (|n| < 2^53), got ${preview(value)}; kept in extra`);
  misfits.add(name, value);
  return null;
}

/**
 * A flag the original typed BOOL that producers also fill with text (utm_source, utm_medium):
 * true/false and "true"/"false" (any case) are read; anything else ("google") is null with a
 * problem and kept as sent in `misfits` under its name.
 */
export function asFlag(
  name: string,
  value: unknown,
  problems: Problems,
  misfits: { add(key: string, value: unknown): void },
): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (word === "true") return true;
    if (word === "false") return false;
  }
  problems.push(`${name}: expected true or false, got ${preview(value)}; kept in extra`);
  misfits.add(name, value);
  return null;
}

/** A boolean from true/false, "true"/"false" (any case), 1/0 or "1"/"0". */
export function asBoolean(name: string, value: unknown, problems: Problems): boolean | null {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (word === "true" || word === "1") return true;
    if (word === "false" || word === "0") return false;
  }
  return expected(name, "boolean", value, problems);
}
