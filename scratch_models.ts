import { enrichBatch } from "./actors/enricher/enrich_batch.ts";
import { UserAgentCache } from "./actors/enricher/user_agent_cache.ts";
import { DuckDBWarehouse } from "./actors/writer/duckdb/duckdb_warehouse.ts";
import { runExport } from "./actors/exporter/export_run.ts";
import { FolderLake } from "./actors/exporter/folder_lake.ts";
import { generateMessages } from "./tools/produce/mod.ts";
import { loadConfig } from "./config/config.ts";
import { modelsTarget } from "./tools/models/models_target.ts";
import { runModels } from "./tools/models/models_run.ts";
import { FIXTURE_GEO } from "./tools/models/fixture_geo.ts";
const dataDir = await Deno.makeTempDir({ prefix: "scratch-models-" });
const w = new DuckDBWarehouse({ path: `${dataDir}/warehouse.duckdb` });
await w.open();
const ctx = { userAgents: new UserAgentCache(), geo: FIXTURE_GEO };
let batch = [];
let off = 0;
for (const m of generateMessages({ seed: 1, count: 20000, collectionWeights: { checkout_success: 3 }, eventsPerSecond: 20000 / (14 * 86400) })) {
  const sent = JSON.parse(new TextDecoder().decode(m.value));
  batch.push({ topic: "product_view", partition: 0, offset: off++, timestampMs: Number(sent.time_stamp) * 1000 + 500, key: null, value: m.value });
  if (batch.length === 5000) { const e = enrichBatch(batch, ctx); await w.writeBatch({ rows: e.rows, deadLetters: e.deadLetters }); batch = []; }
}
console.log(await runExport({ warehouse: w, lake: new FolderLake(`${dataDir}/lake`) }));
await w.close();
const target = modelsTarget(loadConfig((key) => key === "DATA_DIR" ? dataDir : undefined));
const run = await runModels(target);
console.log(JSON.stringify(run).slice(0, 1500));
console.log(dataDir);
