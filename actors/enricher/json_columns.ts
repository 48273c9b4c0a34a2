/**
 * The JSON-text columns `option` and `cart_products`, cleaned as the original did: empty values
 * (null, "", [], {}) and entries left empty are dropped at every level. Shape errors become
 * field problems; cart lines also yield the product ids for the catalog.
 */

import { isRecord } from "../runtime/guards.ts";
import { integerDigits, preview, type Problems } from "./field_coercion.ts";

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

/**
 * `option` as cleaned JSON text: a list of option objects (product pages) or one object
 * (listing and recommendation pages), whichever came. Null when empty or of another shape.
 */
export function optionJson(value: unknown, problems: Problems): string | null {
  if (isRecord(value)) {
    const cleaned = cleanJson(value);
    return cleaned === undefined ? null : JSON.stringify(cleaned);
  }
  if (!Array.isArray(value)) {
    problems.push(`option: expected array or object, got ${preview(value)}`);
    return null;
  }
  const kept: unknown[] = [];
  value.forEach((entry, i) => {
    const cleaned = cleanJson(entry);
    if (cleaned === undefined) return;
    if (isRecord(cleaned)) kept.push(cleaned);
    else problems.push(`option[${i}]: expected object, got ${preview(entry)}`);
  });
  return kept.length === 0 ? null : JSON.stringify(kept);
}

/**
 * `cart_products` as cleaned JSON text (a line's `option` may be a list or, as in ~18% of real
 * lines, a string: both kept). Valid product ids are appended to `productIds`, once each.
 */
export function cartProductsJson(
  value: unknown,
  problems: Problems,
  productIds: string[],
): string | null {
  if (!Array.isArray(value)) {
    problems.push(`cart_products: expected array, got ${preview(value)}`);
    return null;
  }
  const kept: unknown[] = [];
  const seen = new Set(productIds); // a Set: a cart of 50,000 ids took 4.2 s with includes()
  value.forEach((line, i) => {
    const cleaned = cleanJson(line);
    if (cleaned === undefined) return;
    if (!isRecord(cleaned)) {
      problems.push(`cart_products[${i}]: expected object, got ${preview(line)}`);
      return;
    }
    kept.push(cleaned);
    const productId = cleaned.product_id;
    if (productId !== undefined) {
      const digits = integerDigits(productId);
      if (digits === null) {
        problems.push(
          `cart_products[${i}].product_id: expected integer, got ${preview(productId)}`,
        );
      } else if (!seen.has(digits)) {
        seen.add(digits);
        productIds.push(digits);
      }
    }
    if (cleaned.amount !== undefined && integerDigits(cleaned.amount) === null) {
      problems.push(`cart_products[${i}].amount: expected integer, got ${preview(cleaned.amount)}`);
    }
  });
  return kept.length === 0 ? null : JSON.stringify(kept);
}
