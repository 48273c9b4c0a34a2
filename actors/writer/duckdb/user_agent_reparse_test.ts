import assert from "node:assert/strict";
import { DuckDBInstance, type JS } from "@duckdb/node-api";
import { parseUserAgent } from "../../enricher/user_agent_info.ts";
import { USER_AGENT_PARSER_VERSION } from "../../enricher/user_agent_parser_version.ts";
import { syntheticBatch } from "../testing.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { DIMENSION_UA_COLUMNS } from "./staging_shape.ts";
import { asWideVersionWroteIt } from "./testing.ts";
import {
  PARSER_VERSION_KEY,
  REPARSE_PROGRESS_KEY,
  REPARSED_FIELDS,
  reparseUserAgents,
} from "./user_agent_reparse.ts";

const OLD_VERSION = "uap-core@0.17.0 ua-parser-js@1.0.40 isbot@5.2.2 parsing@1";
const FIELDS = REPARSED_FIELDS.map(([name]) => name);

/** The 15 fields the running parser gives `ua`, in `REPARSED_FIELDS` order. */
const parsedFields = (ua: string) => REPARSED_FIELDS.map(([, of]) => of(parseUserAgent(ua)));
const fieldsOf = (row: Record<string, JS> | undefined) => FIELDS.map((name) => row?.[name]);

/** A warehouse at `path` with generation 1 (200 rows) sealed and 2 (200 rows) open, closed. */
async function twoGenerations(path: string, userAgents = 10): Promise<void> {
  const warehouse = new DuckDBWarehouse({ path });
  await warehouse.open();
  await warehouse.writeBatch({
    rows: syntheticBatch({ fromOffset: 0, count: 200, userAgents }),
    deadLetters: [],
  });
  await warehouse.sealGeneration();
  await warehouse.writeBatch({
    rows: syntheticBatch({ fromOffset: 200, count: 200, userAgents }),
    deadLetters: [],
  });
  await warehouse.close();
}

/** Runs `work` on a connection of its own to the closed file at `path`. */
async function onFile<T>(
  path: string,
  work: (connection: Awaited<ReturnType<DuckDBInstance["connect"]>>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Runs `test` with a fresh temp directory's warehouse path. */
async function inTempDir(test: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_ua_reparse_" });
  try {
    await test(`${dir}/warehouse.duckdb`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const metadata = (key: string) => `SELECT value FROM warehouse_metadata WHERE key = '${key}'`;

Deno.test("DuckDB: REPARSED_FIELDS are the UA fields narrow generations read from the dimension", () => {
  assert.deepEqual(FIELDS, DIMENSION_UA_COLUMNS.filter((name) => name !== "user_agent"));
});

Deno.test("DuckDB: a brand-new warehouse stores the running user-agent parser version", async () => {
  await inTempDir(async (path) => {
    const warehouse = new DuckDBWarehouse({ path });
    await warehouse.open();
    try {
      assert.deepEqual(await warehouse.query(metadata(PARSER_VERSION_KEY)), [
        { value: USER_AGENT_PARSER_VERSION },
      ]);
    } finally {
      await warehouse.close();
    }
  });
});

Deno.test("DuckDB: a dimension parsed with another parser version is parsed again at open: summary reads the new parse for a narrow generation's row, a wide generation's row keeps its stored values", async () => {
  await inTempDir(async (path) => {
    await twoGenerations(path);
    // Generation 1 as a version before the narrow row wrote it; the dimension parsed by another
    // parser (the synthetic rows' fields are not what the parser gives for their strings).
    await asWideVersionWroteIt(path, [1], [
      `UPDATE warehouse_metadata SET value = '${OLD_VERSION}' WHERE key = '${PARSER_VERSION_KEY}'`,
    ]);
    const before = await onFile(
      path,
      async (c) =>
        (await c.runAndReadAll(`SELECT user_agent, ${FIELDS.join(", ")} FROM user_agents`))
          .getRowObjectsJS(),
    );
    assert.equal(before.length, 10);
    for (const agent of before) {
      assert.notDeepEqual(fieldsOf(agent), parsedFields(String(agent.user_agent)));
    }

    const warehouse = new DuckDBWarehouse({ path });
    await warehouse.open();
    try {
      const rows = await warehouse.query(
        `SELECT _offset, user_agent, ${FIELDS.join(", ")} FROM summary ORDER BY _offset`,
      );
      assert.equal(rows.length, 400);
      const stored = new Map(before.map((a) => [String(a.user_agent), fieldsOf(a)]));
      for (const row of rows) {
        const ua = String(row.user_agent);
        const expected = Number(row._offset) < 200 ? stored.get(ua) : parsedFields(ua);
        assert.deepEqual(fieldsOf(row), expected, `offset ${row._offset}`);
      }
      assert.deepEqual(await warehouse.query(metadata(PARSER_VERSION_KEY)), [
        { value: USER_AGENT_PARSER_VERSION },
      ]);
      assert.deepEqual(await warehouse.query(metadata(REPARSE_PROGRESS_KEY)), []);
    } finally {
      await warehouse.close();
    }
  });
});

Deno.test("DuckDB: a dimension with rows and no stored parser version (written before versions were stored) is parsed again", async () => {
  await inTempDir(async (path) => {
    await twoGenerations(path, 4);
    await onFile(path, (c) => c.run("DELETE FROM warehouse_metadata"));
    const report = await onFile(path, (c) => reparseUserAgents(c));
    assert.deepEqual([report.parsed, report.changed], [4, 4]);
  });
});

Deno.test("DuckDB: a dimension at the running parser version is not parsed again (0 rows)", async () => {
  await inTempDir(async (path) => {
    await twoGenerations(path);
    const warehouse = new DuckDBWarehouse({ path });
    await warehouse.open();
    const agents = await warehouse.query(`SELECT user_agent, browser_family FROM user_agents`);
    await warehouse.close();
    // The synthetic fields stayed: the open parsed nothing.
    for (const agent of agents) {
      assert.notEqual(agent.browser_family, parseUserAgent(String(agent.user_agent)).browserFamily);
    }
    const report = await onFile(path, (c) => reparseUserAgents(c));
    assert.deepEqual([report.parsed, report.changed], [0, 0]);
  });
});

Deno.test("DuckDB: a re-parse interrupted after a chunk keeps the old version stored and finishes at the next open, going on from the first row the committed chunks did not cover", async () => {
  await inTempDir(async (path) => {
    await twoGenerations(path);
    const interrupted = await onFile(path, async (c) => {
      await c.run(
        `UPDATE warehouse_metadata SET value = '${OLD_VERSION}' WHERE key = '${PARSER_VERSION_KEY}'`,
      );
      await assert.rejects(
        reparseUserAgents(c, {
          chunkRows: 3,
          afterChunk: (chunk) => {
            if (chunk === 2) throw new Error("crashed after chunk 2");
          },
        }),
        /crashed after chunk 2/,
      );
      const rows = (await c.runAndReadAll(
        `SELECT user_agent, ${FIELDS.join(", ")} FROM user_agents ORDER BY rowid`,
      )).getRowObjectsJS();
      const version = (await c.runAndReadAll(metadata(PARSER_VERSION_KEY))).getRowsJS();
      return { rows, version };
    });
    assert.deepEqual(interrupted.version, [[OLD_VERSION]]);
    const reparsed = interrupted.rows.map((r) =>
      JSON.stringify(fieldsOf(r)) === JSON.stringify(parsedFields(String(r.user_agent)))
    );
    assert.deepEqual(reparsed, [true, true, true, true, true, true, false, false, false, false]);

    // A mark on the first row, already committed: a re-parse that went on after the committed
    // chunks leaves it; one that started again would parse it back.
    const first = await onFile(path, async (c) => {
      await c.run(
        `UPDATE user_agents SET browser_family = 'committed before the crash'
         WHERE rowid = 0`,
      );
      return (await c.runAndReadAll("SELECT user_agent_id FROM user_agents WHERE rowid = 0"))
        .getRowsJS();
    });

    const warehouse = new DuckDBWarehouse({ path });
    await warehouse.open();
    try {
      const agents = await warehouse.query(`SELECT * FROM user_agents ORDER BY user_agent_id`);
      assert.equal(agents.length, 10);
      for (const agent of agents) {
        const expected = parsedFields(String(agent.user_agent));
        if (agent.user_agent_id === first[0]?.[0]) expected[0] = "committed before the crash";
        assert.deepEqual(fieldsOf(agent), expected, String(agent.user_agent_id));
      }
      assert.deepEqual(await warehouse.query(metadata(PARSER_VERSION_KEY)), [
        { value: USER_AGENT_PARSER_VERSION },
      ]);
      assert.deepEqual(await warehouse.query(metadata(REPARSE_PROGRESS_KEY)), []);
    } finally {
      await warehouse.close();
    }
  });
});

Deno.test("DuckDB: an open that fails in the re-parse says what to do and leaves the warehouse closed, so the next attempt runs it again", async () => {
  await inTempDir(async (path) => {
    await twoGenerations(path, 4);
    await onFile(path, async (c) => {
      await c.run(
        `UPDATE warehouse_metadata SET value = '${OLD_VERSION}' WHERE key = '${PARSER_VERSION_KEY}'`,
      );
      await c.run(
        `INSERT INTO warehouse_metadata VALUES ('${REPARSE_PROGRESS_KEY}', 'not json', now())`,
      );
    });
    const warehouse = new DuckDBWarehouse({ path });
    await assert.rejects(warehouse.open(), /DELETE FROM warehouse_metadata WHERE key/);
    // Not half open: a second attempt does the open again (and fails the same way).
    await assert.rejects(warehouse.open(), /Cannot read the user_agents re-parse progress/);
    await assert.rejects(warehouse.query("SELECT 1"), /it is not open/);
    await onFile(
      path,
      (c) => c.run(`DELETE FROM warehouse_metadata WHERE key = '${REPARSE_PROGRESS_KEY}'`),
    );
    await warehouse.open();
    try {
      for (const agent of await warehouse.query(`SELECT * FROM user_agents`)) {
        assert.deepEqual(fieldsOf(agent), parsedFields(String(agent.user_agent)));
      }
    } finally {
      await warehouse.close();
    }
  });
});

Deno.test("DuckDB: a re-parse says when it begins, with the dimension's size, and one at the running version says nothing", async () => {
  await inTempDir(async (path) => {
    await twoGenerations(path);
    const begun: number[] = [];
    const onBegin = (agents: number) => void begun.push(agents);
    await onFile(path, (c) => reparseUserAgents(c, { onBegin }));
    assert.deepEqual(begun, [], "at the running version nothing begins");
    await onFile(path, (c) => reparseUserAgents(c, { version: OLD_VERSION, onBegin }));
    assert.deepEqual(begun, [10], "a re-parse to another version names the 10 agents");
    const warehouse = new DuckDBWarehouse({ path });
    await warehouse.open(); // parses again, back to the running version
    try {
      assert.equal(warehouse.openStep(), undefined, "an open that ended is busy with nothing");
    } finally {
      await warehouse.close();
    }
  });
});
