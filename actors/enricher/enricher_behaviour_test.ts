import assert from "node:assert/strict";
import { unknownPosition } from "../../messages/chunk_position.ts";
import { ENRICHER_PROTOCOL, type EnricherArgs } from "../../messages/enricher.ts";
import { packChunk } from "../../messages/packed_chunk.ts";
import { inProcess } from "../runtime/testing.ts";
import { startEnricher } from "./enricher_behaviour.ts";
import { productView } from "./testing.ts";

const enc = new TextEncoder();

const args = (throwAt: EnricherArgs["faults"]["throwAt"] = null): EnricherArgs => ({
  geoipTable: null,
  userAgentCacheSize: 100,
  faults: { throwAt, crashAt: null },
});

function chunk(chunkId: number, values: readonly string[]) {
  return packChunk(
    {
      chunkId,
      topic: "t",
      partition: 3,
      epoch: 7,
      seq: chunkId,
      position: unknownPosition(40, 43),
    },
    values.map((text, i) => ({ offset: 40 + i, timestampMs: 1_000 + i, value: enc.encode(text) })),
  );
}

Deno.test("an enriched chunk keeps its identity and position; a bad event is its own dead letter", async () => {
  const enricher = await inProcess(
    ENRICHER_PROTOCOL,
    startEnricher,
    args({
      partition: 3,
      offset: 42,
    }),
  );
  try {
    const view = JSON.stringify(productView());
    const sent = chunk(5, [view, "not json", view, view]);
    await enricher.send("enricher.enrich", sent);
    assert.equal(enricher.emitted.length, 1);
    const [out] = enricher.emitted;
    assert.ok(out?.type === "enricher.enriched");
    assert.deepEqual(
      [out.body.chunkId, out.body.topic, out.body.partition, out.body.epoch, out.body.seq],
      [5, "t", 3, 7, 5],
    );
    assert.deepEqual(out.body.position, sent.position);
    assert.equal(out.body.rows.rowCount, 2, "the two events that enrich become rows");
    assert.deepEqual(out.body.deadLetters.map((d) => d.offset), [41, 42]);
    assert.equal(out.body.deadLetters[1]?.code, "enrich_failed");
  } finally {
    await enricher.stop();
  }
});

Deno.test("an enricher without a range table takes a table change between chunks and goes on", async () => {
  const enricher = await inProcess(ENRICHER_PROTOCOL, startEnricher, args());
  try {
    await enricher.send("enricher.useTable", { path: null });
    await enricher.send("enricher.enrich", chunk(1, [JSON.stringify(productView())]));
    const [out] = enricher.emitted;
    assert.ok(out?.type === "enricher.enriched");
    assert.equal(out.body.rows.rowCount, 1);
    assert.deepEqual(out.body.deadLetters, []);
  } finally {
    await enricher.stop();
  }
});
