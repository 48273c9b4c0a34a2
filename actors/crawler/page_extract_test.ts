import assert from "node:assert/strict";
import { extractProduct } from "./page_extract.ts";
import { magentoPage, malformedPage, microdataPage, scriptShellPage } from "./store_pages.ts";

const RING = { name: "Damenring Aurora 0.25 Karat", price: "1290.00", currency: "EUR" };

Deno.test("the shop's Magento layout yields name, price and currency", () => {
  assert.deepEqual(extractProduct(magentoPage(RING)), {
    name: "Damenring Aurora 0.25 Karat",
    price: 1290,
    currency: "EUR",
  });
});

Deno.test("a microdata layout yields name and price from itemprop", () => {
  assert.deepEqual(
    extractProduct(microdataPage({ name: "Bague Élan", price: "849.5", currency: "chf" })),
    { name: "Bague Élan", price: 849.5, currency: "CHF" },
  );
});

Deno.test("a script-rendered shell is named from its JSON-LD graph", () => {
  assert.deepEqual(
    extractProduct(scriptShellPage({ name: "Anillo Sol", price: "399", currency: "USD" })),
    { name: "Anillo Sol", price: 399, currency: "USD" },
  );
});

Deno.test("malformed HTML and broken JSON-LD do not throw; the name is still found", () => {
  assert.deepEqual(extractProduct(malformedPage("Ring Nova")), {
    name: "Ring Nova broken",
    price: null,
    currency: null,
  });
  assert.deepEqual(extractProduct("\u0000<<<>>>\ufffd</html><h1"), {
    name: null,
    price: null,
    currency: null,
  });
});

Deno.test("configured selectors are tried in order and an invalid one is skipped", () => {
  const html = '<h2 class="title">Kette Lumen</h2><h1 class="page-title">Fallback</h1>';
  assert.equal(extractProduct(html, ["h1.missing", "h2.title"]).name, "Kette Lumen");
  assert.equal(extractProduct(html, ["h1[", "h1.page-title"]).name, "Fallback");
});
