/**
 * JSON values cleaned as the original did: empty values (null, "", [], {}) and entries left
 * empty are dropped at every level (nested columns and `extra`).
 */

/** Nesting below which values are kept as sent rather than cleaned (guards the stack). */
const MAX_CLEAN_DEPTH = 32;

/**
 * A JSON value without its empty parts, or `undefined` when nothing is left. Keys named
 * `__proto__` survive as plain keys (`Object.fromEntries` defines, it does not assign).
 */
export function cleanJson(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value !== "object" || depth >= MAX_CLEAN_DEPTH) return value;
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    for (const item of value) {
      const cleaned = cleanJson(item, depth + 1);
      if (cleaned !== undefined) kept.push(cleaned);
    }
    return kept.length === 0 ? undefined : kept;
  }
  const kept: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const cleaned = cleanJson(item, depth + 1);
    if (cleaned !== undefined) kept.push([key, cleaned]);
  }
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}
