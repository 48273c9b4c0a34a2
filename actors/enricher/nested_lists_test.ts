import assert from "node:assert/strict";
import type { Problems } from "./field_coercion.ts";
import { cartProductList, optionList } from "./nested_lists.ts";
import {
  type NestedElement,
  nestedListProblem,
  OPTION_LIST,
} from "../../messages/nested_columns.ts";

function misfits(): { add(key: string, value: unknown): void; kept: Record<string, unknown> } {
  const kept: Record<string, unknown> = {};
  return { add: (key, value) => kept[key] = value, kept };
}

Deno.test("an option list loses its empty entries and empty values", () => {
  const problems: Problems = [];
  const option = [
    { option_label: "alloy", option_id: "", value_label: "white-585", value_id: null },
    {},
    { option_label: "", value_label: "" },
    { option_label: "diamond", value_label: "diamond-Brillant", extra: [] },
  ];
  assert.deepEqual(optionList(option, problems, misfits()), [
    { option_label: "alloy", value_label: "white-585" },
    { option_label: "diamond", value_label: "diamond-Brillant" },
  ]);
  assert.deepEqual(problems, []);
});

Deno.test("an option object (listing pages) is a one-element list with its spaced and capitalized keys", () => {
  const problems: Problems = [];
  const option = { alloy: "white-585", stone: "", "category id": "12", Kollektion: "Solitaire" };
  assert.deepEqual(optionList(option, problems, misfits()), [
    { alloy: "white-585", "category id": "12", Kollektion: "Solitaire" },
  ]);
  assert.deepEqual(problems, []);
});

Deno.test("a malformed option is stored with problems and nothing sent is lost", () => {
  // EVENTS.md's shapes at once: an object where a list is expected, numbers where the original
  // declared strings, unknown keys (spelling variants, a space and capitals), a value that is
  // no string at all, and a key named like the extra member.
  const problems: Problems = [];
  const row = misfits();
  const sent = {
    alloy: "white-585",
    "category id": 12,
    Kollektion: "Solitaire",
    kollektion_id: 7,
    price: 880.5,
    "stone 2": "ruby",
    "Category Id": "13",
    pear: "white",
    diamond: { shape: "round" },
    extra: "mine",
  };
  const stored = optionList(sent, problems, row);
  assert.equal(nestedListProblem(stored, OPTION_LIST), null);
  assert.deepEqual(stored, [{
    alloy: "white-585",
    "category id": "12",
    Kollektion: "Solitaire",
    kollektion_id: "7",
    price: "880.5",
    extra: JSON.stringify({
      "stone 2": "ruby",
      "Category Id": "13",
      pear: "white",
      diamond: { shape: "round" },
      extra: "mine",
    }),
  }]);
  assert.deepEqual(problems, [
    'option[0].diamond: expected text, got {"shape":"round"}; kept in extra',
  ]);
  assert.deepEqual(row.kept, {});
  // Nothing lost: every key sent is a member (numbers as their text) or in extra as sent.
  const element: NestedElement = stored?.[0] ?? {};
  const extra: Record<string, unknown> = JSON.parse(String(element.extra));
  for (const [key, value] of Object.entries(sent)) {
    if (key in extra) assert.deepEqual(extra[key], value, key);
    else assert.equal(element[key], String(value), key);
  }
});

Deno.test("an option of no list shape and scalar entries are kept in the row's extra with problems", () => {
  const problems: Problems = [];
  const row = misfits();
  assert.equal(optionList(42, problems, row), null);
  assert.deepEqual(optionList(["alloy", { alloy: "red-585" }], problems, row), [
    { alloy: "red-585" },
  ]);
  assert.deepEqual(row.kept, { option: 42, "option[0]": "alloy" });
  assert.deepEqual(problems, [
    "option: expected a list of objects, got 42; kept in extra",
    'option[0]: expected object, got "alloy"; kept in extra',
  ]);
});

Deno.test("an option that cleans to nothing is null", () => {
  assert.equal(optionList([{}, { alloy: "" }], [], misfits()), null);
  assert.equal(optionList({ alloy: "", diamond: null }, [], misfits()), null);
});

Deno.test("cart lines take integers from text, keep a string option in extra, and give ids once", () => {
  const problems: Problems = [];
  const ids: string[] = [];
  const cart = [
    {
      product_id: 110474,
      amount: "1",
      price: "",
      currency: "€",
      option: [{ option_label: "alloy", option_id: "12", value_id: 34.0, Value_Label: "x" }],
    },
    { product_id: 110474, amount: 2, option: "Weißgold 585" },
    { product_id: "98001.0", option: [] },
    {},
  ];
  assert.deepEqual(cartProductList(cart, problems, misfits(), ids), [
    {
      product_id: 110474,
      amount: 1,
      currency: "€",
      option: [{
        option_label: "alloy",
        option_id: 12,
        value_id: 34,
        extra: '{"Value_Label":"x"}',
      }],
    },
    { product_id: 110474, amount: 2, extra: '{"option":"Weißgold 585"}' },
    { product_id: 98001 },
  ]);
  assert.deepEqual(ids, ["110474", "98001"]);
  assert.deepEqual(problems, [
    'cart_products[1].option: expected a list of objects, got "Weißgold 585"; kept in extra',
  ]);
});

Deno.test("cart lines with bad ids or amounts keep them in the line's extra with problems", () => {
  const problems: Problems = [];
  const ids: string[] = [];
  const row = misfits();
  const lines = cartProductList([{ product_id: "abc", amount: "two" }, 7], problems, row, ids);
  assert.deepEqual(lines, [{ extra: '{"product_id":"abc","amount":"two"}' }]);
  assert.deepEqual(ids, []);
  assert.deepEqual(row.kept, { "cart_products[1]": 7 });
  assert.deepEqual(problems, [
    'cart_products[0].product_id: expected integer, got "abc"; kept in extra',
    'cart_products[0].amount: expected integer, got "two"; kept in extra',
    "cart_products[1]: expected object, got 7; kept in extra",
  ]);
});

Deno.test("cart_products given as one object is a one-element list; as text it is kept in extra", () => {
  const problems: Problems = [];
  const row = misfits();
  assert.deepEqual(cartProductList({ product_id: 5, amount: 1 }, problems, row, []), [
    { product_id: 5, amount: 1 },
  ]);
  assert.equal(cartProductList("[]", problems, row, []), null);
  assert.deepEqual(row.kept, { cart_products: "[]" });
  assert.deepEqual(problems, [
    'cart_products: expected a list of objects, got "[]"; kept in extra',
  ]);
});

Deno.test("a __proto__ key sent in an option element is kept in its extra as plain data", () => {
  const problems: Problems = [];
  const option: unknown = JSON.parse('[{"__proto__":{"polluted":"yes"},"alloy":"585"}]');
  assert.deepEqual(optionList(option, problems, misfits()), [
    { alloy: "585", extra: '{"__proto__":{"polluted":"yes"}}' },
  ]);
  assert.deepEqual(problems, []);
});
