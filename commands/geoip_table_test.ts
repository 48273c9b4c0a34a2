import assert from "node:assert/strict";
import { loadConfig } from "../config/config.ts";
import { generateDb5, writeDb5Csv } from "../actors/geoip/testing.ts";
import { prepareGeoip } from "./geoip_table.ts";

const configOf = (vars: Record<string, string>) => loadConfig((key) => vars[key]);

Deno.test("a configured CSV is built into the data directory by a Worker, and its path returned", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geoip_prepare_" });
  try {
    await writeDb5Csv(generateDb5({ ranges: 500, seed: 3 }), `${dir}/db5.csv`);
    const path = await prepareGeoip(
      configOf({ DATA_DIR: `${dir}/data`, GEOIP_CSV: `${dir}/db5.csv` }),
    );
    assert.ok(path !== null);
    assert.match(path, new RegExp(`^${dir}/data/geoip/table-.+\\.bin$`));
    assert.ok((await Deno.stat(path)).size > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a GEOIP_TABLE that is not a range table fails the start with the builder's reason", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geoip_prepare_" });
  try {
    await Deno.writeTextFile(`${dir}/geo.bin`, "not a table");
    await assert.rejects(
      prepareGeoip(configOf({ DATA_DIR: `${dir}/data`, GEOIP_TABLE: `${dir}/geo.bin` })),
      (error: unknown) => {
        const text = `${error}\n${error instanceof Error ? String(error.cause) : ""}`;
        assert.match(text, /Cannot use GEOIP_TABLE .*geo\.bin: missing or not/);
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
