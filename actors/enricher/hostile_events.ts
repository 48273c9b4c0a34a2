/**
 * Hostile events of the sizes the issue tracker recorded, for the tests and the `hostile`
 * benchmark: a cart of 50,000 product ids, a 1.7 MB cart of lines that are each a problem, and
 * 10,000 undeclared fields. Deterministic.
 */
import { productView } from "./testing.ts";

/** A view whose cart holds `ids` distinct product ids, each in `copies` lines. */
export function bigCart(ids = 50_000, copies = 1): Record<string, unknown> {
  const lines = Array.from({ length: ids }, (_, i) => ({ product_id: 100_000 + i, amount: 1 }));
  const cart = Array.from({ length: copies }, () => lines).flat();
  return { ...productView(), collection: "checkout", cart_products: cart };
}

/** A view whose cart is ~1.7 MB of numbers, every one of them a field problem. */
export function problemCart(lines = 850_000): Record<string, unknown> {
  return { ...productView(), cart_products: Array.from({ length: lines }, (_, i) => i % 10) };
}

/** A view with `fields` undeclared fields of `chars` characters each. */
export function manyExtras(fields = 10_000, chars = 20): Record<string, unknown> {
  const event: Record<string, unknown> = productView();
  for (let i = 0; i < fields; i++) event[`x_${i}`] = "v".repeat(chars);
  return event;
}
