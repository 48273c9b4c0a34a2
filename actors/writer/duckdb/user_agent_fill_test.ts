import assert from "node:assert/strict";
import { syntheticBatch } from "../testing.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { asWideVersionWroteIt } from "./testing.ts";
import { ADDED_UA_COLUMNS } from "./user_agent_fill.ts";

Deno.test("DuckDB: a dimension without the ua_ columns gets them at open from the newest wide generation holding the agent, else parsed again from its string", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_ua_fill_" });
  const path = `${dir}/warehouse.duckdb`;
  try {
    const before = new DuckDBWarehouse({ path });
    await before.open();
    await before.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 200, userAgents: 10 }),
      deadLetters: [],
    });
    await before.sealGeneration();
    await before.writeBatch({
      rows: syntheticBatch({ fromOffset: 200, count: 200, userAgents: 10 }),
      deadLetters: [],
    });
    await before.close();
    // As main left it: wide generations with the ua_ fields, a dimension of the twelve; one agent
    // is in no generation any more (its rows exported and dropped).
    const gone = `ua${"0".repeat(30)}`;
    await asWideVersionWroteIt(path, [1, 2], [
      ...ADDED_UA_COLUMNS.map((name) => `ALTER TABLE user_agents DROP COLUMN ${name}`),
      "UPDATE staging_g1 SET ua_engine = 'older', ua_cpu_architecture = 'g1'",
      "UPDATE staging_g2 SET ua_engine = 'newer', ua_cpu_architecture = 'g2'",
      `DELETE FROM staging_g1 WHERE user_agent_id = '${gone}'`,
      `DELETE FROM staging_g2 WHERE user_agent_id = '${gone}'`,
    ]);

    const after = new DuckDBWarehouse({ path });
    await after.open();
    try {
      const agents = await after.query(
        `SELECT user_agent_id, ua_engine, ua_cpu_architecture, ua_is_bot_strict
         FROM user_agents ORDER BY 1`,
      );
      assert.equal(agents.length, 10);
      assert.ok(agents.some((a) => a.user_agent_id === gone));
      for (const agent of agents) {
        const expected = agent.user_agent_id === gone
          ? ["Blink", null, false] // parsed again: Chrome on Android names no CPU
          : ["newer", "g2", false];
        assert.deepEqual(
          [agent.ua_engine, agent.ua_cpu_architecture, agent.ua_is_bot_strict],
          expected,
          String(agent.user_agent_id),
        );
      }
    } finally {
      await after.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
