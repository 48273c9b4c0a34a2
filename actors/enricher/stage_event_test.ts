import assert from "node:assert/strict";
import { type Cell, STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import { isRecord } from "../runtime/guards.ts";
import { nullColumns } from "./row_cells.ts";
import { stageEvent } from "./stage_event.ts";
import { productView } from "./testing.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

const userAgents = new UserAgentCache(100);

/** Stages one event and returns its row by column name. */
function stage(event: Record<string, unknown>): Record<string, Cell> {
  const columns = nullColumns(STAGING_COLUMNS.length, 1);
  stageEvent(event, columns, 0, { userAgents });
  return Object.fromEntries(STAGING_COLUMNS.map((c, i) => [c.name, columns[i]?.[0] ?? null]));
}

Deno.test("a product view is staged cleaned, timed, enriched and without problems", () => {
  const row = stage(productView());
  assert.equal(row.field_problems, null);
  assert.equal(row.event_time_ms, 1_591_266_092_000);
  assert.equal(row.time_stamp, 1_591_266_092);
  assert.equal(row.user_id_db, null);
  assert.equal(row.email_address, null);
  assert.equal(row.utm_source, false);
  assert.equal(row.recommendation, false);
  assert.equal(row.show_recommendation, "false");
  assert.deepEqual(row.option, [
    { option_label: "alloy", option_id: "331", value_label: "white-585", value_id: "3216" },
    { option_label: "diamond" },
  ]);
  assert.deepEqual(row.catalog_product_ids, ["110474"]);
  assert.equal(row.device_family, "iPhone");
  assert.equal(row.is_mobile, true);
  assert.equal(row.extra, null);
  assert.equal(row.geo_table_version, null);
});

Deno.test("wrong types are recorded as field problems and the row keeps the rest", () => {
  const row = stage({
    ...productView(),
    is_paypal: "yes",
    order_id: { id: 1 },
    recommendation_clicked_position: "third",
    user_agent: ["Mozilla/5.0"],
    option: 42,
    cart_products: "[]",
  });
  assert.deepEqual(row.field_problems, [
    'user_agent: expected string, got ["Mozilla/5.0"]',
    "option: expected a list of objects, got 42; kept in extra",
    'is_paypal: expected boolean, got "yes"',
    'order_id: expected integer (|n| < 2^53), got {"id":1}; kept in extra',
    'recommendation_clicked_position: expected integer, got "third"',
    'cart_products: expected a list of objects, got "[]"; kept in extra',
  ]);
  assert.deepEqual([row.user_agent, row.user_agent_id, row.option], [null, null, null]);
  assert.equal(row.extra, '{"option":42,"order_id":{"id":1},"cart_products":"[]"}');
  assert.equal(row.collection, "view_product_detail");
  assert.equal(row.event_time_ms, 1_591_266_092_000);
});

Deno.test("values that convert without loss are converted", () => {
  const row = stage({
    ...productView(),
    store_id: 6,
    time_stamp: "1591266092",
    order_id: "720251727.0",
    is_paypal: "true",
    recommendation_clicked_position: "3",
    recommendation_product_position: 2,
    show_recommendation: true,
    utm_source: "true",
    utm_medium: "False",
    ip: "2a01:cb19:8a1:4b00:8c1d:5bbe:4b2e:9a1c",
  });
  assert.equal(row.field_problems, null);
  assert.deepEqual(
    [row.store_id, row.time_stamp, row.order_id, row.is_paypal],
    ["6", 1_591_266_092, 720_251_727, true],
  );
  assert.deepEqual(
    [row.recommendation_clicked_position, row.recommendation_product_position],
    [3, "2"],
  );
  assert.deepEqual(
    [row.show_recommendation, row.utm_source, row.utm_medium],
    ["true", true, false],
  );
});

Deno.test('order_id "" on checkout is null without a problem; a utm word is kept in extra', () => {
  const row = stage({
    ...productView(),
    collection: "checkout",
    order_id: "",
    utm_source: "google",
  });
  assert.equal(row.order_id, null);
  assert.equal(row.utm_source, null);
  assert.deepEqual(row.field_problems, [
    'utm_source: expected true or false, got "google"; kept in extra',
  ]);
  assert.equal(row.extra, '{"utm_source":"google"}');
});

Deno.test("empty strings, empty lists and empty objects become nulls without problems", () => {
  const event: Record<string, unknown> = {};
  for (const key of Object.keys(productView())) event[key] = "";
  event.option = [];
  event.cart_products = {};
  const row = stage({ ...event, time_stamp: 1_591_266_092 });
  assert.equal(row.field_problems, null);
  assert.equal(row.option, null);
  assert.equal(row.cart_products, null);
  assert.equal(row.user_agent_id, null);
  assert.equal(row.catalog_product_ids, null);
});

Deno.test("a missing or implausible time_stamp leaves event_time_ms null with a problem", () => {
  const missing = stage({ ...productView(), time_stamp: "" });
  assert.deepEqual(missing.field_problems, ["time_stamp: missing; event_time_ms left null"]);
  const millis = stage({ ...productView(), time_stamp: 1_591_266_092_000 });
  assert.equal(millis.time_stamp, 1_591_266_092_000);
  assert.equal(millis.event_time_ms, null);
  assert.deepEqual(millis.field_problems, [
    "time_stamp: 1591266092000 is not epoch seconds in 2000..2100; event_time_ms left null",
  ]);
  const word = stage({ ...productView(), time_stamp: "yesterday" });
  assert.deepEqual(word.field_problems, ['time_stamp: expected integer, got "yesterday"']);
});

Deno.test("very long strings are truncated with a problem and the UA is parsed truncated", () => {
  const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) ".repeat(1000);
  const row = stage({
    ...productView(),
    user_agent: ua,
    current_url: `https://www.glamira.de/ring.html?q=${"x%20".repeat(25_000)}`,
    key_search: "💍 ring ".repeat(5_000),
  });
  assert.deepEqual(row.field_problems, [
    `user_agent: ${ua.length} characters, truncated to 1024`,
    "current_url: 100035 characters, truncated to 4096",
    "key_search: 40000 characters, truncated to 1024",
  ]);
  assert.equal((row.user_agent as string).length, 1024);
  assert.equal(row.os_family, "Windows");
  assert.equal((row.current_url as string).length, 4096);
});

Deno.test("bad IPs are recorded as problems and the row stays", () => {
  for (const ip of ["999.1.2.3", "1.2.3", " 8.8.8.8", "1.2.3.4/24", "unknown", 3_232_235_777]) {
    const row = stage({ ...productView(), ip });
    const problems = row.field_problems;
    assert.ok(Array.isArray(problems) && problems.length === 1, `ip ${ip}`);
    assert.match(String(problems[0] ?? ""), /^ip: not an IP address, got "/);
    assert.equal(row.collection, "view_product_detail");
  }
});

Deno.test("checkout_success takes its catalog ids from the cart lines, once each", () => {
  const row = stage({
    ...productView(),
    collection: "checkout_success",
    product_id: "",
    option: "",
    order_id: 720251727,
    cart_products: [
      { product_id: 98001, amount: 1, price: "880.00", currency: "£", option: "" },
      { product_id: 110474, amount: 2, price: "1 278,00", currency: "€", option: "Weißgold 585" },
      { product_id: 98001, amount: 1, price: "880.00", currency: "£", option: [] },
    ],
  });
  assert.deepEqual(row.catalog_product_ids, ["98001", "110474"]);
  assert.equal(row.order_id, 720_251_727);
  assert.deepEqual(row.field_problems, [
    'cart_products[1].option: expected a list of objects, got "Weißgold 585"; kept in extra',
  ]);
  assert.deepEqual(row.cart_products, [
    { product_id: 98001, amount: 1, price: "880.00", currency: "£" },
    {
      product_id: 110474,
      amount: 2,
      price: "1 278,00",
      currency: "€",
      extra: '{"option":"Weißgold 585"}',
    },
    { product_id: 98001, amount: 1, price: "880.00", currency: "£" },
  ]);
});

Deno.test("a product_id that is not an integer is kept but left out of the catalog", () => {
  const row = stage({ ...productView(), product_id: "abc" });
  assert.equal(row.product_id, "abc");
  assert.equal(row.catalog_product_ids, null);
  assert.deepEqual(row.field_problems, [
    "product_id: not an integer id; left out of catalog_product_ids",
  ]);
});

Deno.test("undeclared fields are kept cleaned in extra, __proto__ included", () => {
  const event: unknown = JSON.parse(
    '{"collection":"x","time_stamp":1591266092,"ab_test":"B","empty":"",' +
      '"__proto__":{"polluted":true},"_offset":7}',
  );
  assert.ok(isRecord(event));
  const row = stage(event);
  assert.equal(row.extra, '{"ab_test":"B","__proto__":{"polluted":true},"_offset":7}');
  assert.equal(row._offset, null);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
