/**
 * Guards of plain data, the one set every protocol and boundary uses: checks of a value received
 * from another Worker, a file or a child process. Shallow on purpose (a chunk's thousands of cells
 * are not walked): they catch a wrong shape, and the code that stores a value checks its cells.
 */

/** An object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An array of numbers. */
export function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((x) => typeof x === "number");
}

/** An array of strings. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((x) => typeof x === "string");
}

/** An empty object: a message with no fields. */
export function isEmpty(value: unknown): value is Record<string, never> {
  return isRecord(value) && Object.keys(value).length === 0;
}
