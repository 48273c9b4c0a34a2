/**
 * Lossless coercion of one event field to its declared type. A value that converts without
 * losing information is converted ("42" -> 42, "720251727.0" -> "720251727", 6 -> "6"); any
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

/** A string field the producers fill with `false` for "none" (utm_*): false is null. */
export function asFlagText(
  name: string,
  value: unknown,
  maxChars: number,
  problems: Problems,
): string | null {
  return value === false ? null : asText(name, value, maxChars, problems, true);
}

/** The digits of an integer sent as a number or as text; null when it is not one. */
export function integerDigits(value: unknown): string | null {
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : null;
  if (typeof value !== "string" || value.length > MAX_INTEGER_DIGITS) return null;
  const match = INTEGER_TEXT.exec(value);
  return match?.[1] ?? null;
}

/**
 * An integer kept as its digits (order_id): leading zeros and digits beyond 2^53 survive.
 * Fractions, exponents and words are refused (they would be changed or lost).
 */
export function asIntegerText(name: string, value: unknown, problems: Problems): string | null {
  return integerDigits(value) ?? expected(name, "integer", value, problems);
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
