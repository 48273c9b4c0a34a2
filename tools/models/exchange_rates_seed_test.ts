import assert from "node:assert/strict";
import { formatSeed, parseSeed, regeneratedSeed, SEED_FILE } from "./exchange_rates_seed.ts";

Deno.test("the seed's ECB rows are the monthly means of the ECB series the pinned package ships", async () => {
  const text = await Deno.readTextFile(SEED_FILE);
  const rows = parseSeed(text);
  assert.ok(rows.filter((r) => r.source === "ecb_monthly_mean").length >= 60);
  assert.equal(formatSeed(await regeneratedSeed(rows)), text);
});

Deno.test("a seed row that is not a rate is refused with its line", () => {
  const header = "valid_from,currency_code,units_per_eur,source";
  assert.throws(
    () => parseSeed(`${header}\n2020-04-01,USD,abc,ecb_monthly_mean\n`),
    (error: unknown) => error instanceof TypeError && error.message.includes("line 2"),
  );
  assert.throws(() => parseSeed("valid_from,currency_code,units_per_eur\n"), TypeError);
});
