import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { syntheticBatch } from "../testing.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";
import { NARROW_STAGING_COLUMNS } from "./staging_shape.ts";
import { asWideVersionWroteIt } from "./testing.ts";
import { OPTION_LIST } from "../../../messages/nested_columns.ts";

const ADDED_LATER = ["ua_engine", "ua_cpu_architecture", "ua_is_bot_strict"];

/**
 * Turns the file into what a version before the `ua_` columns wrote: wide staging tables without
 * them, and a user-agent dimension without them.
 */
async function asOlderVersionWroteIt(path: string, generations: number[]): Promise<void> {
  await asWideVersionWroteIt(path, generations, [
    ...generations.flatMap((g) =>
      ADDED_LATER.map((name) => `ALTER TABLE staging_g${g} DROP COLUMN ${name}`)
    ),
    ...ADDED_LATER.map((name) => `ALTER TABLE user_agents DROP COLUMN ${name}`),
  ]);
}

Deno.test("DuckDB: a file from before the ua_ columns opens; its open generation is sealed as stored, new rows go to a narrow one and read the dimension's re-parsed ua_ fields", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_upgrade_" });
  const path = `${dir}/warehouse.duckdb`;
  try {
    const before = new DuckDBWarehouse({ path });
    await before.open();
    await before.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 30 }),
      deadLetters: [],
    });
    await before.sealGeneration();
    await before.writeBatch({
      rows: syntheticBatch({ fromOffset: 30, count: 20 }),
      deadLetters: [],
    });
    await before.close();
    await asOlderVersionWroteIt(path, [1, 2]);

    const after = new DuckDBWarehouse({ path });
    await after.open();
    try {
      assert.deepEqual(await after.sealedGenerations(), [
        { generation: 1, rowCount: 30 },
        { generation: 2, rowCount: 20 },
      ]);
      const written = await after.writeBatch({
        rows: syntheticBatch({ fromOffset: 50, count: 10 }),
        deadLetters: [],
      });
      assert.deepEqual([written.generation, written.staged], [3, 10]);
      const columns = async (table: string) =>
        (await after.query(
          `SELECT column_name FROM duckdb_columns() WHERE table_name = '${table}'
           ORDER BY column_index`,
        )).map((c) => String(c.column_name));
      assert.deepEqual(await columns("staging_g3"), NARROW_STAGING_COLUMNS.map((c) => c.name));
      // The sealed generations keep the columns they were written with, and still export.
      const wideBefore = STAGING_TABLE_COLUMNS.map((c) => c.name)
        .filter((name) => !ADDED_LATER.includes(name));
      assert.deepEqual(await columns("staging_g1"), wideBefore);
      assert.deepEqual(await columns("staging_g2"), wideBefore);
      assert.deepEqual(await columns("summary"), STAGING_TABLE_COLUMNS.map((c) => c.name));
      // The dimension's added columns were parsed again from its strings (Chrome on Android).
      const [agents] = await after.query(
        `SELECT count(*) AS n, count(*) FILTER (ua_engine = 'Blink') AS blink FROM user_agents`,
      );
      assert.ok(Number(agents?.n) > 0);
      assert.equal(Number(agents?.blink), Number(agents?.n));
      const rows = await after.query(
        `SELECT count(*) AS n, count(ua_engine) AS engines, count(user_agent) AS agents
         FROM summary`,
      );
      assert.deepEqual(
        rows.map((r) => [Number(r.n), Number(r.engines), Number(r.agents)]),
        [[60, 10, 60]],
      );
      await after.exportParquet(1, { kind: "folder", dir: `${dir}/lake-g1` });
      const exported = await after.query(
        `SELECT count(*) AS n FROM read_parquet('${dir}/lake-g1/**/*.parquet')`,
      );
      assert.equal(Number(exported[0]?.n), 30);
    } finally {
      await after.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DuckDB: a staging table with columns this version does not know is refused, naming them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_upgrade_" });
  const path = `${dir}/warehouse.duckdb`;
  try {
    const first = new DuckDBWarehouse({ path });
    await first.open();
    await first.writeBatch({ rows: syntheticBatch({ fromOffset: 0, count: 5 }), deadLetters: [] });
    await first.close();
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run("ALTER TABLE staging_g1 ADD COLUMN from_the_future VARCHAR");
    connection.closeSync();
    instance.closeSync();

    const second = new DuckDBWarehouse({ path });
    await assert.rejects(
      second.open(),
      /staging_g1 has columns this version does not declare \(from_the_future\)/,
    );
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Turns typed columns back into the text an older version (before issue 14) stored. */
async function asTextColumnsWroteIt(path: string, generations: number[], sql: string[] = []) {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const g of generations) {
      const t = `staging_g${g}`;
      for (const c of ["option", "cart_products"]) {
        await connection.run(
          `ALTER TABLE ${t} ALTER ${c} TYPE VARCHAR USING CAST(to_json(${c}) AS VARCHAR)`,
        );
      }
      await connection.run(`ALTER TABLE ${t} ALTER order_id TYPE VARCHAR`);
      for (const c of ["utm_source", "utm_medium"]) {
        await connection.run(
          `ALTER TABLE ${t} ALTER ${c} TYPE VARCHAR USING CASE WHEN ${c} THEN 'true' END`,
        );
      }
    }
    for (const statement of sql) await connection.run(statement);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

Deno.test("DuckDB: generations stored with text option, cart_products, order_id and utm_* are converted at open with the enricher's coercion, every row kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_retype_" });
  const path = `${dir}/warehouse.duckdb`;
  try {
    const before = new DuckDBWarehouse({ path });
    await before.open();
    await before.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 300 }),
      deadLetters: [],
    });
    await before.sealGeneration();
    await before.writeBatch({
      rows: syntheticBatch({ fromOffset: 300, count: 200 }),
      deadLetters: [],
    });
    const [amounts] = await before.query(
      `SELECT (SELECT sum(cp.amount) FROM staging_g1, UNNEST(cart_products) AS u(cp)) AS g1,
              (SELECT sum(cp.amount) FROM staging_g2, UNNEST(cart_products) AS u(cp)) AS g2`,
    );
    await before.close();
    // What the older version stored for EVENTS.md's shapes, on three rows of the open generation
    // (wide, so sealed at open, and converted as a sealed one).
    await asWideVersionWroteIt(path, [1, 2]);
    await asTextColumnsWroteIt(path, [1, 2], [
      `UPDATE staging_g2 SET option = '{"alloy":"white-585","category id":"12","stone 2":"ruby"}',
         utm_source = 'google', order_id = '98765432109876543210' WHERE _offset = 300`,
      `UPDATE staging_g2 SET cart_products =
         '[{"product_id":110474,"amount":2,"option":"Weißgold 585"},{"product_id":"abc"}]',
         utm_medium = 'true', extra = '{"ab":"B"}' WHERE _offset = 301`,
      `UPDATE staging_g2 SET option = 'not json' WHERE _offset = 302`,
    ]);

    const after = new DuckDBWarehouse({ path });
    await after.open();
    try {
      for (const table of ["staging_g1", "staging_g2"]) {
        const types = await after.query(
          `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = '${table}'
           AND column_name IN ('order_id', 'utm_source', 'option', 'cart_products')
           ORDER BY column_name`,
        );
        assert.deepEqual(types.map((t) => [t.column_name, String(t.data_type).slice(0, 11)]), [
          ["cart_products", "STRUCT(amou"],
          ["option", "STRUCT(Koll"],
          ["order_id", "BIGINT"],
          ["utm_source", "BOOLEAN"],
        ], table);
      }
      const [counts] = await after.query(
        `SELECT (SELECT count(*) FROM staging_g1) AS g1, (SELECT count(*) FROM staging_g2) AS g2,
           (SELECT sum(cp.amount) FROM staging_g1, UNNEST(cart_products) AS u(cp)) AS a1,
           (SELECT sum(cp.amount) FROM staging_g2, UNNEST(cart_products) AS u(cp)
            WHERE _offset <> 301) AS a2`,
      );
      assert.deepEqual(
        [counts?.g1, counts?.g2, counts?.a1, counts?.a2].map(Number),
        [300, 200, Number(amounts?.g1), Number(amounts?.g2)],
      );
      const rows = await after.query(
        `SELECT _offset, to_json(option) AS option, to_json(cart_products) AS cart, order_id,
           utm_source, utm_medium, field_problems, extra
         FROM staging_g2 WHERE _offset IN (300, 301, 302) ORDER BY _offset`,
      );
      const [first, second, third] = rows;
      assert.deepEqual(JSON.parse(String(first?.option))[0], {
        ...Object.fromEntries(OPTION_LIST.fields.map((f) => [f.name, null])),
        alloy: "white-585",
        "category id": "12",
        extra: '{"stone 2":"ruby"}',
      });
      assert.deepEqual([first?.order_id, first?.utm_source], [null, null]);
      assert.deepEqual(JSON.parse(String(first?.extra)), {
        utm_source: "google",
        order_id: "98765432109876543210",
      });
      assert.equal(first?.utm_medium, null);
      assert.ok(String(first?.field_problems).includes("utm_source: expected true or false"));
      const cart = JSON.parse(String(second?.cart));
      assert.deepEqual(
        cart.map((l: Record<string, unknown>) => [l.product_id, l.amount, l.extra]),
        [[110474, 2, '{"option":"Weißgold 585"}'], [null, null, '{"product_id":"abc"}']],
      );
      assert.equal(second?.utm_medium, true);
      assert.deepEqual(JSON.parse(String(second?.extra)), { ab: "B" });
      assert.equal(third?.option, null);
      assert.deepEqual(JSON.parse(String(third?.extra)), { option: "not json" });
      // The sealed generation exports typed.
      await after.exportParquet(1, { kind: "folder", dir: `${dir}/lake-g1` });
      const exported = await after.query(
        `SELECT count(*) AS n, any_value(typeof(cart_products)) AS t
         FROM read_parquet('${dir}/lake-g1/**/*.parquet')`,
      );
      assert.equal(Number(exported[0]?.n), 300);
      assert.match(String(exported[0]?.t), /^STRUCT\(amount BIGINT/);
    } finally {
      await after.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
