/**
 * Carts of the cart and checkout events, shaped per event type as in the real data:
 * view_shopping_cart items have no price or amount, checkout items an amount but no price,
 * checkout_success items price, currency and amount. A session's order is always the same cart,
 * so repeated success pages repeat the same order (more events than distinct orders).
 */
import { cartOption, type CartOptionItem } from "./options.ts";
import { formatPrice } from "./prices.ts";
import { Rng } from "./prng.ts";
import { pickProduct, type Product } from "./products.ts";
import type { Store } from "./stores.ts";

/** The event types that carry cart_products. */
export type CartCollection = "view_shopping_cart" | "checkout" | "checkout_success";

/** One cart line; the fields present depend on the event type. */
export interface CartItem {
  product_id: number;
  amount?: number;
  price?: string;
  currency?: string;
  option: CartOptionItem[] | string;
}

/** Marks a number that must be written as a JSON double ("720251727.0"). */
export const DOUBLE_MARK = "\ue000double:";

function amount(rng: Rng): number {
  const r = rng.next();
  // About one line in 400 is a bulk order of thousands of units: the revenue outlier.
  if (r < 0.0025) return rng.range(5_000, 10_000);
  return r < 0.86 ? 1 : r < 0.96 ? 2 : rng.range(3, 6);
}

function unitPrice(rng: Rng, product: Product, store: Store): string {
  const value = rng.chance(0.005) ? 0 : product.priceEur * store.rate * (0.8 + rng.next() * 0.8);
  return formatPrice(value, store.format, store.decimals);
}

/** The cart of the session `sessionId` as shown by a `collection` event. */
export function cartProducts(
  seed: number,
  sessionId: number,
  focus: Product,
  store: Store,
  collection: CartCollection,
): CartItem[] {
  const rng = new Rng(seed, 0xca, sessionId);
  const lines = rng.chance(0.8) ? 1 : rng.range(2, 4);
  return Array.from({ length: lines }, (_, line) => {
    const product = line === 0 ? focus : pickProduct(rng);
    const option = cartOption(rng, product);
    const count = amount(rng);
    const price = unitPrice(rng, product, store);
    switch (collection) {
      case "view_shopping_cart":
        return { product_id: product.id, option };
      case "checkout":
        return { product_id: product.id, amount: count, option };
      case "checkout_success":
        return { product_id: product.id, amount: count, price, currency: store.currency, option };
    }
  });
}

/** order_id as it comes: "" on checkout; an int, a string or a double on checkout_success. */
export function orderId(
  seed: number,
  sessionId: number,
  collection: CartCollection,
): number | string {
  if (collection !== "checkout_success") return "";
  const rng = new Rng(seed, 0x0d, sessionId);
  const id = rng.range(700_000_000, 729_999_999);
  const form = rng.next();
  return form < 0.6 ? id : form < 0.85 ? String(id) : `${DOUBLE_MARK}${id}`;
}

/** JSON text of an event, writing marked numbers as doubles (`720251727.0`). */
export function eventJson(event: object): string {
  const text = JSON.stringify(event);
  return text.includes(DOUBLE_MARK)
    ? text.replace(/"\ue000double:(\d+)"/g, (_, digits: string) => `${digits}.0`)
    : text;
}
