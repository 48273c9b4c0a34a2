/**
 * GeoIP through the real pipeline process: with GEOIP_CSV set, the table is built into the data
 * directory at start, every enricher maps it, and each row with an IPv4 address carries the
 * range's location and the table version it was looked up in. With no geoip setting, the DB-IP
 * Lite country files shipped as an npm package are built instead (country columns only).
 */
import assert from "node:assert/strict";
import { startPipeline } from "../pipeline_process.ts";
import { queryWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

Deno.test({
  name: "with GEOIP_CSV the pipeline builds the table at start and fills the geo columns",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-geoip");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-geoip-" });
    const csv = `${dataDir}/IP2LOCATION-LITE-DB5.CSV`;
    // Two ranges cover every IPv4 address, so each event's answer is known.
    await Deno.writeTextFile(
      csv,
      `"0","2147483647","NL","Netherlands","Noord-Holland","Amsterdam","52.374030","4.889690"\n` +
        `"2147483648","4294967295","FR","France","Ile-de-France","Paris","48.853410","2.348800"\n`,
    );
    await produce(t.brokers, t.topic, 3_000, 0);
    const pipeline = await startPipeline({ dataDir, env: pipelineEnv(t, { GEOIP_CSV: csv }) });
    await caughtUp(t);
    await pipeline.stopExpecting("SIGTERM", 0);

    const rows = await queryWarehouse(
      `${dataDir}/warehouse.duckdb`,
      `SELECT
         count(*) FILTER (ip LIKE '%.%' AND ip NOT LIKE '%:%'),
         count(*) FILTER (country_code = 'NL' AND city = 'Amsterdam' AND latitude BETWEEN 52.37 AND 52.38),
         count(*) FILTER (country_code = 'FR' AND region = 'Ile-de-France'),
         count(DISTINCT geo_table_version) FILTER (country_code IS NOT NULL)
       FROM staging_g1`,
    );
    const [v4, amsterdam, paris, versions] = (rows[0] ?? []).map(Number);
    assert.ok((v4 ?? 0) > 1_000, `IPv4 rows: ${v4}`);
    assert.equal((amsterdam ?? 0) + (paris ?? 0), v4);
    assert.ok((amsterdam ?? 0) > 0 && (paris ?? 0) > 0);
    assert.equal(versions, 1);
    const built = [...Deno.readDirSync(`${dataDir}/geoip`)].map((e) => e.name);
    assert.ok(built.some((name) => /^table-[0-9a-f]{16}\.bin$/.test(name)), built.join(", "));
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name: "a changed GEOIP_CSV is swapped into running enrichers; rows record the version they used",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-geoswap");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-geoswap-" });
    const csv = `${dataDir}/DB5.CSV`;
    const everywhere = (code: string, country: string) =>
      `"0","4294967295","${code}","${country}","-","-","0.000000","0.000000"\n`;
    await Deno.writeTextFile(csv, everywhere("NL", "Netherlands"));
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, { GEOIP_CSV: csv, GEOIP_REFRESH_MS: "200" }),
    });
    await produce(t.brokers, t.topic, 1_000, 0);
    const before = await caughtUp(t);
    const first = (await (await pipeline.get("/status")).json()).geoipTable;
    await Deno.writeTextFile(csv, everywhere("FR", "France"));
    while ((await (await pipeline.get("/status")).json()).geoipTable === first) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the swap is what we wait for
    }
    await produce(t.brokers, t.topic, 1_000, 0);
    await caughtUp(t);
    await pipeline.stopExpecting("SIGTERM", 0);

    const rows = await queryWarehouse(
      `${dataDir}/warehouse.duckdb`,
      `SELECT _partition, _offset, country_code, geo_table_version FROM staging_g1
       WHERE ip LIKE '%.%' AND ip NOT LIKE '%:%'`,
    );
    const early = rows.filter(([p, o]) => Number(o) < (before.get(Number(p)) ?? 0));
    const late = rows.filter(([p, o]) => Number(o) >= (before.get(Number(p)) ?? 0));
    assert.ok(early.length > 300 && late.length > 300, `${early.length} / ${late.length}`);
    assert.ok(early.every(([, , code]) => code === "NL"));
    assert.ok(late.every(([, , code]) => code === "FR"));
    const versions = (list: unknown[][]) => new Set(list.map(([, , , v]) => v));
    assert.equal(versions(early).size, 1);
    assert.equal(versions(late).size, 1);
    assert.notDeepEqual(versions(early), versions(late));
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name: "with no geoip setting the pipeline fills the country columns from DB-IP Lite country",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-geodefault");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-geodefault-" });
    await produce(t.brokers, t.topic, 3_000, 0);
    const pipeline = await startPipeline({ dataDir, env: pipelineEnv(t) });
    await caughtUp(t);
    await pipeline.stopExpecting("SIGTERM", 0);

    const rows = await queryWarehouse(
      `${dataDir}/warehouse.duckdb`,
      `SELECT
         count(*) FILTER (ip IS NOT NULL),
         count(*) FILTER (country_code IS NOT NULL AND country IS NOT NULL),
         count(*) FILTER (region IS NOT NULL OR city IS NOT NULL OR latitude IS NOT NULL),
         list(DISTINCT geo_table_version) FILTER (geo_table_version IS NOT NULL)
       FROM staging_g1`,
    );
    const [withIp, located, finer, versions] = rows[0] ?? [];
    assert.ok(Number(withIp) > 2_000, `rows with an IP: ${withIp}`);
    // Every generated address is public: DB-IP knows the country of nearly all of them.
    assert.ok(Number(located) > 0.95 * Number(withIp), `located ${located} of ${withIp}`);
    assert.equal(Number(finer), 0);
    assert.ok(Array.isArray(versions) && versions.length === 1, JSON.stringify(versions));
    assert.match(String(versions[0]), /^DB-IP Lite country \d{4}-\d{2} CC BY 4\.0 [0-9a-f]{16}$/);
    await Deno.remove(dataDir, { recursive: true });
  },
});
