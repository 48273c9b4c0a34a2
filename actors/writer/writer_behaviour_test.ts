import assert from "node:assert/strict";
import type { WriteBatch } from "../../messages/batcher.ts";
import { unknownPosition } from "../../messages/chunk_position.ts";
import { packRows } from "../../messages/packed_rows.ts";
import { WRITER_PROTOCOL, type WriterArgs } from "../../messages/writer.ts";
import { inProcess } from "../runtime/testing.ts";
import { syntheticBatch } from "./testing.ts";
import { startWriter } from "./writer_behaviour.ts";

function batch(chunkId: number, fromOffset: number, count: number): WriteBatch {
  return {
    rows: packRows(syntheticBatch({ fromOffset, count })),
    deadLetters: [],
    chunkIds: [chunkId],
    chunks: [{
      chunkId,
      topic: "product_view",
      partition: 0,
      position: { ...unknownPosition(fromOffset, fromOffset + count - 1), prevOffset: null },
      rowCount: count,
      deadLetterCount: 0,
    }],
  };
}

Deno.test("a failing export is a reply, not a crash; writes go on and the next export retries it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "writer_" });
  // The lake's parent is a file: every export fails until it is removed.
  await Deno.writeTextFile(`${dir}/blocked`, "not a folder");
  const args: WriterArgs = {
    dataDir: dir,
    warehouse: { kind: "duckdb", path: `${dir}/warehouse.duckdb` },
    lake: { kind: "folder", path: `${dir}/blocked/lake` },
    bigqueryEndpoint: null,
    storageEndpoint: null,
    requestTimeoutMs: 30_000,
    faults: { crashAfterEveryNthWrite: 0, failEveryNthWrite: 0, hangOnNthWrite: 0 },
  };
  const writer = await inProcess(WRITER_PROTOCOL, startWriter, args);
  try {
    await writer.send("writer.write", batch(1, 0, 100));
    const failed = await writer.send("writer.export", {});
    assert.equal(failed.ok, false);
    assert.match(failed.ok ? "" : failed.error, /Not a directory|not a directory/);
    await writer.send("writer.write", batch(2, 100, 50));
    const written = writer.emitted.filter((m) => m.type === "writer.batchWritten");
    assert.deepEqual(written.map((m) => m.type === "writer.batchWritten" && m.body.chunkIds), [
      [1],
      [2],
    ]);
    await Deno.remove(`${dir}/blocked`);
    const retried = await writer.send("writer.export", {});
    assert.ok(retried.ok, JSON.stringify(retried));
    assert.deepEqual(retried.ok && [retried.report.generations, retried.report.rows], [
      [1, 2],
      150,
    ]);
  } finally {
    await writer.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
