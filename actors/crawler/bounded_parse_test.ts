import assert from "node:assert/strict";
import { PAGE_PARSE_LIMITS, PageRejectedError, parsePage } from "./bounded_parse.ts";
import { extractProduct } from "./page_extract.ts";
import { deepPage, magentoPage } from "./store_pages.ts";

Deno.test("a page nested 200,000 deep is refused at the depth limit, without a stack overflow", () => {
  assert.throws(
    () => extractProduct(deepPage(200_000)),
    (error: unknown) =>
      error instanceof PageRejectedError &&
      error.message === "page nests elements deeper than 256",
  );
});

Deno.test("nesting up to the limit parses and still yields the name", () => {
  const depth = PAGE_PARSE_LIMITS.maxDepth - 3; // html, body and h1 count too
  assert.equal(extractProduct(deepPage(depth)).name, "Deep");
  assert.throws(() => extractProduct(deepPage(depth + 1)), PageRejectedError);
});

Deno.test("a page that takes longer than the time budget is refused, naming the budget", () => {
  const filler = `<p class="x">${"word ".repeat(20)}</p>`.repeat(40_000); // about 5 MB
  const page = magentoPage({ name: "Ring", price: "1.00", currency: "EUR" })
    .replace("</body>", `${filler}</body>`);
  assert.throws(
    () => parsePage(page, { maxDepth: 256, budgetMs: 1 }),
    (error: unknown) =>
      error instanceof PageRejectedError && error.message === "page took longer than 1 ms to parse",
  );
  assert.equal(extractProduct(page).name, "Ring", "within the default budget it parses");
});
