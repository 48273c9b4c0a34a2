import assert from "node:assert/strict";
import { formatPrice } from "./prices.ts";

Deno.test("prices are written in each store's locale format", () => {
  assert.equal(formatPrice(880, "en", 2), "880.00");
  assert.equal(formatPrice(1234.56, "en", 2), "1,234.56");
  assert.equal(formatPrice(1234.56, "de", 2), "1.234,56");
  assert.equal(formatPrice(1278, "fr", 2), "1\u00a0278,00");
  assert.equal(formatPrice(1234, "ch", 2), "1'234.00");
  assert.equal(formatPrice(123.45, "ar", 3), "123\u066b450");
  assert.equal(formatPrice(0, "de", 2), "0,00");
  assert.equal(formatPrice(1_234_567, "fr", 0), "1\u00a0234\u00a0567");
});
