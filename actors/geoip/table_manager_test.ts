import assert from "node:assert/strict";
import type { LogFields, Logger } from "../../observability/log.ts";
import { resolveGeoipSource } from "./geoip_source.ts";
import { openTable } from "./open_table.ts";
import { GeoipTableManager } from "./table_manager.ts";
import { buildTable } from "./table_builder.ts";
import { generateDb5, writeDb5Csv } from "./testing.ts";

function recordingLogger(): Logger & { events: Array<[string, LogFields]> } {
  const events: Array<[string, LogFields]> = [];
  const log = (event: string, fields: LogFields = {}) => void events.push([event, fields]);
  return { events, debug: log, info: log, warn: log, error: log };
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "geoip_manager_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const tableFiles = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).filter((n) =>
    n.startsWith("table-")
  );

Deno.test("builds CSV sources into the data directory, then rebuilds only when they change", async () => {
  await inTempDir(async (dir) => {
    await writeDb5Csv(generateDb5({ ranges: 2000, seed: 1 }), `${dir}/db5.csv`);
    const source = resolveGeoipSource({ csv: `${dir}/db5.csv`, dataDir: `${dir}/data` });
    assert.ok(typeof source !== "string");
    const logger = recordingLogger();
    const manager = new GeoipTableManager(source, { logger });
    const first = await manager.ensure();
    assert.ok(first.changed && first.table !== null);
    assert.equal(first.table.path, `${dir}/data/geoip/table-${first.table.version}.bin`);
    assert.deepEqual(logger.events.map(([e]) => e), ["GeoipTableBuilt"]);

    const unchanged = { table: first.table, changed: false, sources: first.sources };
    assert.deepEqual(await manager.ensure(), unchanged);
    // Touched but identical: hashed again, not rebuilt.
    await Deno.utime(`${dir}/db5.csv`, new Date(), new Date(Date.now() + 5000));
    const touched = await manager.ensure();
    assert.deepEqual({ ...touched, sources: "" }, { ...unchanged, sources: "" });
    assert.notEqual(touched.sources, first.sources, "its new time is what it knows now");
    // A new manager (a restart) finds the built table by its source checksum.
    const restarted = new GeoipTableManager(source, { logger });
    assert.deepEqual(await restarted.ensure(), { ...touched, changed: true });
    assert.equal(logger.events.length, 1, "no second build");

    await writeDb5Csv(generateDb5({ ranges: 2000, seed: 2 }), `${dir}/db5.csv`);
    const second = await manager.ensure();
    assert.ok(second.changed && second.table !== null);
    assert.notEqual(second.table.version, first.table.version);
    const table = await openTable(second.table.path);
    assert.equal(table.version, second.table.version);
    table.close();
    assert.deepEqual(
      (await tableFiles(`${dir}/data/geoip`)).sort(),
      [
        `table-${first.table.version}.bin`,
        `table-${second.table.version}.bin`,
      ].sort(),
    );
  });
});

Deno.test("a new manager given what an earlier one found does not hash sources whose sizes and times did not change", async () => {
  await inTempDir(async (dir) => {
    const csv = `${dir}/db5.csv`;
    await writeDb5Csv(generateDb5({ ranges: 500, seed: 4 }), csv);
    const source = resolveGeoipSource({ csv, dataDir: `${dir}/data` });
    assert.ok(typeof source !== "string");
    const logger = recordingLogger();
    const first = await new GeoipTableManager(source, { logger }).ensure();
    // Other bytes, same size and time: only a hash would see the change.
    const { mtime } = await Deno.stat(csv);
    const bytes = await Deno.readFile(csv);
    bytes.reverse();
    await Deno.writeFile(csv, bytes);
    await Deno.utime(csv, mtime ?? new Date(), mtime ?? new Date());
    const next = new GeoipTableManager(source, { logger });
    const known = { sources: first.sources, table: first.table };
    assert.deepEqual(await next.ensure(known), { ...first, changed: false });
    assert.deepEqual(logger.events.map(([e]) => e), ["GeoipTableBuilt"], "not hashed, not built");
  });
});

Deno.test("copies a GEOIP_TABLE into the data directory under its version", async () => {
  await inTempDir(async (dir) => {
    await writeDb5Csv(generateDb5({ ranges: 1000, seed: 3 }), `${dir}/db5.csv`);
    const built = await buildTable({
      ipv4Csv: `${dir}/db5.csv`,
      out: `${dir}/geo.bin`,
      mode: "fail",
    });
    const source = resolveGeoipSource({ table: `${dir}/geo.bin`, dataDir: `${dir}/data` });
    assert.ok(typeof source !== "string");
    const manager = new GeoipTableManager(source, { logger: recordingLogger() });
    const { table, changed } = await manager.ensure();
    assert.ok(changed);
    assert.deepEqual(table, {
      path: `${dir}/data/geoip/table-${built.version}.bin`,
      version: built.version,
    });
    assert.deepEqual(await Deno.readFile(table.path), await Deno.readFile(`${dir}/geo.bin`));
  });
});

Deno.test("refuses a GEOIP_TABLE that is not a range table", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/geo.bin`, "not a table");
    const source = resolveGeoipSource({ table: `${dir}/geo.bin`, dataDir: `${dir}/data` });
    assert.ok(typeof source !== "string");
    const manager = new GeoipTableManager(source, { logger: recordingLogger() });
    await assert.rejects(manager.ensure(), /Cannot use GEOIP_TABLE .*geo\.bin: missing or not/);
  });
});

Deno.test("with no source configured it builds the default country files, labelled on every row", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/v4.csv`, "16777216,16777471,AU\n16777472,16778239,CN\n");
    await Deno.writeTextFile(
      `${dir}/v6.csv`,
      "42540528726795050063891204319802818560,42540528806023212578155541913346768895,JP\n",
    );
    const label = "Test country 2026-01 CC BY 4.0";
    const source = resolveGeoipSource({ dataDir: `${dir}/data` }, {
      ipv4Csv: `${dir}/v4.csv`,
      ipv6Csv: `${dir}/v6.csv`,
      label,
    });
    assert.ok(typeof source !== "string");
    const { table } = await new GeoipTableManager(source, { logger: recordingLogger() }).ensure();
    const opened = await openTable(table.path);
    assert.equal(opened.version, `${label} ${table.version}`);
    assert.deepEqual(opened.lookup("1.0.0.1"), {
      countryCode: "AU",
      country: "Australia",
      region: null,
      city: null,
      latitude: null,
      longitude: null,
    });
    const japan = opened.lookup("2001:200::1");
    assert.equal(typeof japan === "object" ? japan?.country : japan, "Japan");
    opened.close();
  });
});

Deno.test("logs each rejected source line in skip mode and still builds", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/db5.csv`,
      '"0","9","DE","Germany","-","-","0","0"\n"broken"\n"10","19","FR","France","-","-","0","0"\n',
    );
    const source = resolveGeoipSource({ csv: `${dir}/db5.csv`, dataDir: `${dir}/data` });
    assert.ok(typeof source !== "string");
    const logger = recordingLogger();
    const { table } = await new GeoipTableManager(source, { logger }).ensure();
    assert.ok(table !== null);
    const rejected = logger.events.find(([e]) => e === "GeoipSourceLineRejected");
    assert.match(String(rejected?.[1].problem), /db5\.csv:2: malformed/);
  });
});
