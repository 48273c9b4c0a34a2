import assert from "node:assert/strict";
import { generatedCarts, writeAcrossTwoGenerations } from "../../../test/generated_carts.ts";
import { USER_AGENT_COLUMNS } from "../table_columns.ts";
import { emulatorWarehouse } from "./testing.ts";

Deno.test("BigQuery emulator: SUM(cp.amount) FROM summary, UNNEST(cart_products) AS cp is the generator's total, over an open and a sealed generation", async () => {
  const warehouse = await emulatorWarehouse();
  const d = warehouse.dataset;
  try {
    const { messages, totalAmount, cartsWithAmounts } = generatedCarts(1_500);
    assert.ok(cartsWithAmounts > 40, `${cartsWithAmounts} carts with amounts`);
    await writeAcrossTwoGenerations(warehouse, messages);
    const [counts] = await warehouse.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT _offset) AS keys, COUNTIF(order_id IS NOT NULL) AS orders
       FROM \`${d}.summary\``,
    );
    assert.deepEqual([Number(counts?.n), Number(counts?.keys)], [1_500, 1_500]);
    const [sum] = await warehouse.query(
      `SELECT SUM(cp.amount) AS total, COUNT(*) AS lines
       FROM \`${d}.summary\`, UNNEST(cart_products) AS cp`,
    );
    assert.equal(Number(sum?.total), totalAmount);
    assert.ok(Number(counts?.orders) > 0);
    const [ua] = await warehouse.query(`SELECT * FROM \`${d}.user_agent\` LIMIT 1`);
    assert.deepEqual(
      Object.keys(ua ?? {}),
      USER_AGENT_COLUMNS.map((c) => c === "user_agent" ? "user_agent_raw" : c),
    );
    const [product] = await warehouse.query(`SELECT * FROM \`${d}.products\` LIMIT 1`);
    assert.deepEqual(Object.keys(product ?? {}).slice(0, 4), [
      "product_id",
      "current_url",
      "is_crawl",
      "product_name",
    ]);
  } finally {
    await warehouse.close();
  }
});
