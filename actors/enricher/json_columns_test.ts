import assert from "node:assert/strict";
import type { Problems } from "./field_coercion.ts";
import { cartProductsJson, cleanJson, optionJson } from "./json_columns.ts";

Deno.test("an option list loses its empty entries and empty values", () => {
  const problems: Problems = [];
  const option = [
    { option_label: "alloy", option_id: "", value_label: "white-585", value_id: null },
    {},
    { option_label: "", value_label: "" },
    { option_label: "diamond", value_label: "diamond-Brillant", extra: [] },
  ];
  assert.equal(
    optionJson(option, problems),
    '[{"option_label":"alloy","value_label":"white-585"},' +
      '{"option_label":"diamond","value_label":"diamond-Brillant"}]',
  );
  assert.deepEqual(problems, []);
});

Deno.test("an option object stays an object and keeps keys with spaces and capitals", () => {
  const problems: Problems = [];
  const option = { alloy: "white-585", stone: "", "category id": "12", Kollektion: "Solitaire" };
  assert.equal(
    optionJson(option, problems),
    '{"alloy":"white-585","category id":"12","Kollektion":"Solitaire"}',
  );
  assert.deepEqual(problems, []);
});

Deno.test("an option that cleans to nothing is null", () => {
  assert.equal(optionJson([{}, { alloy: "" }], []), null);
  assert.equal(optionJson({ alloy: "", diamond: null }, []), null);
});

Deno.test("an option of another shape is null with a problem, and scalar entries are named", () => {
  const problems: Problems = [];
  assert.equal(optionJson(42, problems), null);
  assert.equal(optionJson(["alloy", { alloy: "red-585" }], problems), '[{"alloy":"red-585"}]');
  assert.deepEqual(problems, [
    "option: expected array or object, got 42",
    'option[0]: expected object, got "alloy"',
  ]);
});

Deno.test("cart lines are cleaned, keep string options, and give their product ids once", () => {
  const problems: Problems = [];
  const ids: string[] = [];
  const cart = [
    { product_id: 110474, amount: 1, price: "", option: [{ option_label: "alloy", value_id: "" }] },
    { product_id: 110474, amount: 2, option: "Weißgold 585" },
    { product_id: "98001.0", option: [] },
    {},
  ];
  assert.equal(
    cartProductsJson(cart, problems, ids),
    '[{"product_id":110474,"amount":1,"option":[{"option_label":"alloy"}]},' +
      '{"product_id":110474,"amount":2,"option":"Weißgold 585"},{"product_id":"98001.0"}]',
  );
  assert.deepEqual(ids, ["110474", "98001"]);
  assert.deepEqual(problems, []);
});

Deno.test("cart lines with bad ids or amounts are kept and their problems recorded", () => {
  const problems: Problems = [];
  const ids: string[] = [];
  const json = cartProductsJson([{ product_id: "abc", amount: "two" }, 7], problems, ids);
  assert.equal(json, '[{"product_id":"abc","amount":"two"}]');
  assert.deepEqual(ids, []);
  assert.deepEqual(problems, [
    'cart_products[0].product_id: expected integer, got "abc"',
    'cart_products[0].amount: expected integer, got "two"',
    "cart_products[1]: expected object, got 7",
  ]);
});

Deno.test("cart_products that is not a list is null with a problem", () => {
  const problems: Problems = [];
  assert.equal(cartProductsJson("[]", problems, []), null);
  assert.deepEqual(problems, ['cart_products: expected array, got "[]"']);
});

Deno.test("cleaning keeps a __proto__ key as plain data", () => {
  const parsed: unknown = JSON.parse('{"__proto__":{"polluted":"yes"},"a":"b"}');
  const cleaned = cleanJson(parsed);
  assert.equal(JSON.stringify(cleaned), '{"__proto__":{"polluted":"yes"},"a":"b"}');
  assert.equal(Object.getPrototypeOf(cleaned), Object.prototype);
});
