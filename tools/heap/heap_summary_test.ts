import assert from "node:assert/strict";
import v8 from "node:v8";
import { summarize } from "./heap_summary.ts";

/** A class whose instances only this test makes, so its line in the summary is known. */
class HeapSummaryProbe {
  constructor(readonly n: number) {}
}

Deno.test("a snapshot is summed by constructor: objects this thread holds appear with their count", async () => {
  const dir = await Deno.makeTempDir({ prefix: "heap-summary-" });
  const held = Array.from({ length: 1_234 }, (_, n) => new HeapSummaryProbe(n));
  try {
    const path = v8.writeHeapSnapshot(`${dir}/probe.heapsnapshot`);
    const summary = summarize(await Deno.readTextFile(path));
    const probes = summary.get("object HeapSummaryProbe");
    assert.ok(probes !== undefined, "the probe class is in the summary");
    assert.equal(probes.count, held.length);
    assert.ok(probes.bytes >= held.length * 8, `${probes.bytes} bytes for ${held.length} objects`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file that is not a heap snapshot is refused, naming what is missing", () => {
  assert.throws(
    () => summarize(JSON.stringify({ nodes: [], strings: [] })),
    /not a V8 heap snapshot/,
  );
  assert.throws(() => summarize("[1, 2]"), /node_types/);
});
