import assert from "node:assert/strict";
import { ASSETS_DIR, CHART_JS, sha256File } from "./vendor_charts.ts";

Deno.test("the vendored Chart.js is the pinned release's file", async () => {
  assert.equal(await sha256File(`${ASSETS_DIR}/${CHART_JS.file}`), CHART_JS.sha256);
  const head = (await Deno.readTextFile(`${ASSETS_DIR}/${CHART_JS.file}`)).slice(0, 200);
  assert.match(head, new RegExp(`Chart\\.js v${CHART_JS.version.replaceAll(".", "\\.")}`));
});
