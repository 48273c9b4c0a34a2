import assert from "node:assert/strict";
import { EXPORTER_PROTOCOL, type ExporterArgs } from "../../messages/exporter.ts";
import { WRITER_PROTOCOL, type WriterArgs } from "../../messages/writer.ts";
import { inProcess } from "../runtime/testing.ts";
import { syntheticWriteBatch } from "../writer/testing.ts";
import { startWriter } from "../writer/writer_behaviour.ts";
import { startExporter } from "./exporter_behaviour.ts";
import { toWriter } from "./writer_route.ts";

Deno.test("a failing export is a reply, not a crash; writes go on and the next export retries it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exporter_" });
  // The lake's parent is a file: every export fails until it is removed.
  await Deno.writeTextFile(`${dir}/blocked`, "not a folder");
  const writerArgs: WriterArgs = {
    dataDir: dir,
    warehouse: { kind: "duckdb", path: `${dir}/warehouse.duckdb` },
    bigqueryEndpoint: null,
    requestTimeoutMs: 30_000,
    faults: { crashAfterEveryNthWrite: 0, failEveryNthWrite: 0, hangOnNthWrite: 0 },
  };
  const exporterArgs: ExporterArgs = {
    dataDir: dir,
    lake: { kind: "folder", path: `${dir}/blocked/lake` },
    storageEndpoint: null,
    requestTimeoutMs: 30_000,
    serverSide: false,
  };
  const writer = await inProcess(WRITER_PROTOCOL, startWriter, writerArgs);
  const exporter = await inProcess(EXPORTER_PROTOCOL, startExporter, exporterArgs, {
    ask: (m) => toWriter(m, (name, body) => writer.send(name, body)),
  });
  try {
    await writer.send("writer.write", syntheticWriteBatch(1, 0, 100));
    const failed = await exporter.send("exporter.export", { seal: true });
    assert.equal(failed.ok, false);
    assert.match(failed.ok ? "" : failed.error, /Not a directory|not a directory/);
    await writer.send("writer.write", syntheticWriteBatch(2, 100, 50));
    const written = writer.emitted.filter((m) => m.type === "writer.batchWritten");
    assert.deepEqual(written.map((m) => m.type === "writer.batchWritten" && m.body.chunkIds), [
      [1],
      [2],
    ]);
    await Deno.remove(`${dir}/blocked`);
    const retried = await exporter.send("exporter.export", { seal: true });
    assert.ok(retried.ok, JSON.stringify(retried));
    assert.deepEqual(retried.ok && [retried.report.generations, retried.report.rows], [
      [1, 2],
      150,
    ]);
  } finally {
    await exporter.stop();
    await writer.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
