import assert from "node:assert/strict";
import { COLLECTION_MIX, COLLECTIONS } from "./collections.ts";
import { generateMessages } from "./generate_messages.ts";
import { STORES } from "./stores.ts";

type Event = Record<string, unknown>;
const decoder = new TextDecoder();
const N = 20_000;
const texts = [...generateMessages({ seed: 4, count: N })].map((m) => decoder.decode(m.value));
const events: Event[] = texts.map((t) => JSON.parse(t));
const carts = [...generateMessages({
  seed: 4,
  count: 4000,
  collectionWeights: { view_shopping_cart: 300, checkout: 300, checkout_success: 300 },
})].map((m) => decoder.decode(m.value)).filter((t) => t.includes('"cart_products"'));
const cartEvents: Event[] = carts.map((t) => JSON.parse(t));
const of = (collection: string, sample = events) =>
  sample.filter((e) => e.collection === collection);
const share = (items: unknown[], test: (item: unknown) => boolean) =>
  items.filter(test).length / items.length;

const FIELDS = [
  "api_version",
  "cart_products",
  "cat_id",
  "collect_id",
  "collection",
  "currency",
  "current_url",
  "device_id",
  "email_address",
  "ip",
  "is_paypal",
  "key_search",
  "local_time",
  "option",
  "order_id",
  "price",
  "product_id",
  "recommendation",
  "recommendation_clicked_position",
  "recommendation_product_id",
  "recommendation_product_position",
  "referrer_url",
  "resolution",
  "show_recommendation",
  "store_id",
  "time_stamp",
  "user_agent",
  "user_id_db",
  "utm_medium",
  "utm_source",
  "viewing_product_id",
];
const OPTION_FIELDS = [
  "Kollektion",
  "alloy",
  "category id",
  "diamond",
  "finish",
  "kollektion_id",
  "option_id",
  "option_label",
  "pearlcolor",
  "price",
  "quality",
  "quality_label",
  "shapediamond",
  "stone",
  "value_id",
  "value_label",
];

Deno.test("every event field and every option field of EVENTS.md appears in a sample", () => {
  const seen = new Set(events.flatMap((e) => Object.keys(e)));
  assert.deepEqual(FIELDS.filter((f) => !seen.has(f)), []);
  const optionKeys = new Set(events.flatMap((e) => {
    const o = e.option;
    return Array.isArray(o) ? o.flatMap((item) => Object.keys(item)) : Object.keys(o ?? {});
  }));
  assert.deepEqual(OPTION_FIELDS.filter((f) => !optionKeys.has(f)), []);
});

Deno.test("the collection mix follows the real shares within 4.5 standard deviations", () => {
  for (const c of COLLECTIONS) {
    const p = COLLECTION_MIX[c] / 100;
    const count = of(c).length;
    assert.ok(Math.abs(count - N * p) <= 4.5 * Math.sqrt(N * p * (1 - p)) + 1, `${c}: ${count}`);
    assert.ok(count > 0, `${c} never appears`);
  }
});

Deno.test("cart_products are shaped per event type, with int product ids and ~18% string options", () => {
  const items = (c: string) => of(c, cartEvents).flatMap((e) => e.cart_products as Event[]);
  for (const c of ["view_shopping_cart", "checkout", "checkout_success"]) {
    assert.ok(items(c).length > 500, `only ${items(c).length} ${c} items`);
  }
  for (const item of items("view_shopping_cart")) {
    assert.ok(!("price" in item) && !("amount" in item));
  }
  for (const item of items("checkout")) assert.ok("amount" in item && !("price" in item));
  for (const item of items("checkout_success")) {
    assert.ok(typeof item.price === "string" && typeof item.currency === "string");
    assert.equal(typeof item.amount, "number");
  }
  const all = cartEvents.flatMap((e) => e.cart_products as Event[]);
  assert.ok(all.every((item) => Number.isInteger(item.product_id)));
  const strings = share(all.map((i) => i.option), (o) => typeof o === "string");
  assert.ok(strings > 0.14 && strings < 0.22, `string options ${strings}`);
});

Deno.test("prices come in several locale formats and order_id as string, int or double", () => {
  const prices = cartEvents.flatMap((e) => e.cart_products as Event[]).map((i) => i.price)
    .filter((p): p is string => typeof p === "string");
  assert.ok(
    prices.every((p) => /^(\d{1,3}([.,'\u00a0]\d{3})*|\d+)([.,\u066b]\d{2,3})?$/.test(p)),
    "price shape",
  );
  for (
    const format of [
      /\u00a0\d{3},\d{2}$/,
      /\.\d{3},\d{2}$/,
      /,\d{3}\.\d{2}$/,
      /'\d{3}\.\d{2}$/,
      /\u066b\d{3}$/,
    ]
  ) {
    assert.ok(prices.some((p) => format.test(p)), `no price like ${format}`);
  }
  assert.ok(of("checkout", cartEvents).every((e) => e.order_id === ""));
  const success = carts.filter((t) => t.includes('"checkout_success"'));
  assert.ok(success.some((t) => /"order_id":\d+\.0[,}]/.test(t)), "no double order_id");
  assert.ok(success.some((t) => /"order_id":\d+[,}]/.test(t)), "no int order_id");
  assert.ok(success.some((t) => /"order_id":"\d+"/.test(t)), "no string order_id");
  assert.ok(of("checkout_success", cartEvents).every((e) => typeof e.is_paypal === "boolean"));
});

Deno.test("options are arrays on product events and objects on listing and recommendation pages", () => {
  for (const e of of("view_product_detail")) assert.ok(Array.isArray(e.option));
  for (const e of of("view_listing_page")) {
    assert.deepEqual(Object.keys(e.option as Event), ["alloy", "diamond", "shapediamond"]);
  }
  for (const e of of("view_all_recommend")) assert.ok("category id" in (e.option as Event));
  const labels = new Set(
    events.flatMap((e) => Array.isArray(e.option) ? e.option : [])
      .map((o: Event) => o.option_label),
  );
  for (const label of ["alloy", "diamond", "stone", "stone2", "stone 2", "pear"]) {
    assert.ok(labels.has(label), `no option label ${label}`);
  }
});

Deno.test("scalar fields carry the types and texts real producers send", () => {
  assert.ok(events.every((e) => e.utm_source === false || typeof e.utm_source === "string"));
  assert.ok(events.some((e) => typeof e.utm_medium === "string"));
  const times = events.map((e) => String(e.local_time));
  assert.ok(times.every((t) => /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{1,2}:\d{1,2}$/.test(t)));
  assert.ok(times.some((t) => / \d{1,2}:\d:/.test(t)), "local_time is zero-padded");
  assert.ok(
    events.every((e, i) =>
      Number.isInteger(e.time_stamp) &&
      (i === 0 || (e.time_stamp as number) >= (events[i - 1]?.time_stamp as number))
    ),
  );
  const positions = events.map((e) => e.recommendation_product_position).filter((p) =>
    p !== undefined
  );
  assert.ok(
    positions.some((p) => typeof p === "number") && positions.some((p) => typeof p === "string"),
  );
  assert.ok(
    events.every((e) =>
      e.show_recommendation === undefined ||
      ["true", "false"].includes(String(e.show_recommendation))
    ),
  );
  assert.ok(share(events, (e) => (e as Event).email_address === "") > 0.9);
  assert.ok(
    events.filter((e) => e.product_id !== undefined).every((e) => typeof e.product_id === "string"),
  );
});

Deno.test("store ids match their domains and product URLs come in the real forms", () => {
  const domainOf = new Map(STORES.map((s) => [s.id, s.domain]));
  for (const e of events) {
    const url = new URL(String(e.current_url));
    assert.equal(
      url.hostname.replace(/^(www|staging)\.glamira\./, ""),
      domainOf.get(String(e.store_id)),
    );
  }
  const urls = events.filter((e) => e.collection === "view_product_detail").map((e) =>
    String(e.current_url)
  );
  for (
    const form of [
      /\.html\?alloy=[^&]+&diamond=/,
      /\/catalog\/product\/view\/id\/\d+$/,
      /glamira\.(ch\/(fr|it)|com\/es)\//,
      /\/\/staging\./,
    ]
  ) {
    assert.ok(urls.some((u) => form.test(u)), `no product URL like ${form}`);
  }
});

Deno.test("clients are mostly IPv4 with some IPv6, many distinct User-Agents and a few percent bots", () => {
  const ips = events.map((e) => String(e.ip));
  assert.ok(share(ips, (ip) => String(ip).includes(":")) > 0.001);
  assert.ok(share(ips, (ip) => /^\d+\.\d+\.\d+\.\d+$/.test(String(ip))) > 0.98);
  assert.ok(new Set(events.map((e) => e.user_agent)).size > 500);
  const bots = share(
    events,
    (e) =>
      /bot|crawler|curl|python-requests|externalhit|Go-http/i.test(String((e as Event).user_agent)),
  );
  assert.ok(bots > 0.01 && bots < 0.08, `bot share ${bots}`);
});
