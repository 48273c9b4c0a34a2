/**
 * Every actor's behaviour through the runtime contract (`runtime_contract.ts`). The consumer's
 * needs a broker and the geoip actor has no behaviour module of its own yet: their Worker entries
 * are covered by the end-to-end tests.
 */
import { BATCHER_PROTOCOL } from "../../messages/batcher.ts";
import { unknownPosition } from "../../messages/chunk_position.ts";
import { CRAWLER_PROTOCOL, type CrawlerArgs } from "../../messages/crawler.ts";
import { ENRICHER_PROTOCOL, type EnricherArgs } from "../../messages/enricher.ts";
import { EXPORTER_PROTOCOL, type ExporterArgs } from "../../messages/exporter.ts";
import { packChunk } from "../../messages/packed_chunk.ts";
import { WRITER_PROTOCOL, type WriterArgs } from "../../messages/writer.ts";
import { startBatcher } from "../batcher/batcher_behaviour.ts";
import { startCrawlerBehaviour } from "../crawler/crawler_behaviour.ts";
import { TestShop } from "../crawler/testing.ts";
import { startEnricher } from "../enricher/enricher_behaviour.ts";
import { productView } from "../enricher/testing.ts";
import { startExporter } from "../exporter/exporter_behaviour.ts";
import { toWriter } from "../exporter/writer_route.ts";
import { syntheticWriteBatch } from "../writer/testing.ts";
import { startWriter } from "../writer/writer_behaviour.ts";
import { runtimeContract } from "./runtime_contract.ts";
import { inProcess } from "./testing.ts";

/** The stop deadline the pipeline's tree gives a child (`ChildSpec.shutdownMs` default). */
const STOP_DEADLINE_MS = 5_000;

const writerArgs = (dir: string, crashAfterEveryNthWrite = 0): WriterArgs => ({
  dataDir: dir,
  warehouse: { kind: "duckdb", path: `${dir}/warehouse.duckdb` },
  bigqueryEndpoint: null,
  requestTimeoutMs: 30_000,
  faults: { crashAfterEveryNthWrite, failEveryNthWrite: 0, hangOnNthWrite: 0 },
});

async function scratch(prefix: string) {
  const dir = await Deno.makeTempDir({ prefix });
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

runtimeContract("batcher", {
  protocol: BATCHER_PROTOCOL,
  start: (limits, ctx) => startBatcher(limits, ctx),
  stopDeadlineMs: STOP_DEADLINE_MS,
  setup: () => {
    const batch = syntheticWriteBatch(1, 0, 10);
    const chunk = {
      chunkId: 1,
      topic: "product_view",
      partition: 0,
      epoch: 0,
      seq: 0,
      position: unknownPosition(0, 9),
      rows: batch.rows,
      deadLetters: [],
    };
    return {
      // The last chunk leaves a batch open, its age timer armed: the stop must clear it.
      args: { maxRows: 1_000, maxAgeMs: 60_000, maxBytes: 1024 * 1024 },
      messages: [
        { type: "batcher.add", body: chunk },
        { type: "batcher.flush", body: {} },
        { type: "batcher.add", body: { ...chunk, chunkId: 2, seq: 1 } },
      ],
      cleanup: async () => {},
    };
  },
});

const enricherArgs = (throwAt: EnricherArgs["faults"]["throwAt"] = null): EnricherArgs => ({
  geoipTable: null,
  userAgentCacheSize: 100,
  faults: { throwAt, crashAt: null },
});
const enc = new TextEncoder();

runtimeContract("enricher", {
  protocol: ENRICHER_PROTOCOL,
  start: startEnricher,
  stopDeadlineMs: STOP_DEADLINE_MS,
  setup: () => {
    const chunk = packChunk(
      { chunkId: 1, topic: "t", partition: 0, epoch: 0, seq: 0, position: unknownPosition(0, 1) },
      [JSON.stringify(productView()), "not json"].map((text, i) => ({
        offset: i,
        timestampMs: 1_000,
        value: enc.encode(text),
      })),
    );
    return {
      args: enricherArgs(),
      messages: [
        { type: "enricher.enrich", body: chunk },
        { type: "enricher.useTable", body: { path: null } },
      ],
      cleanup: async () => {},
    };
  },
});

runtimeContract("writer", {
  protocol: WRITER_PROTOCOL,
  start: startWriter,
  stopDeadlineMs: STOP_DEADLINE_MS,
  setup: async () => {
    const { dir, cleanup } = await scratch("writer_contract_");
    return {
      args: writerArgs(dir),
      messages: [
        { type: "writer.write", body: syntheticWriteBatch(1, 0, 50) },
        { type: "writer.seal", body: {} },
        { type: "writer.listSealed", body: {} },
        { type: "writer.write", body: syntheticWriteBatch(2, 50, 50) },
        { type: "writer.uncrawled", body: { limit: 10 } },
      ],
      cleanup,
    };
  },
  throwing: async () => {
    const { dir, cleanup } = await scratch("writer_contract_");
    return {
      args: writerArgs(dir, 1),
      message: { type: "writer.write", body: syntheticWriteBatch(1, 0, 50) },
      cleanup,
    };
  },
});

runtimeContract("exporter", {
  protocol: EXPORTER_PROTOCOL,
  start: startExporter,
  stopDeadlineMs: STOP_DEADLINE_MS,
  setup: async () => {
    const { dir, cleanup } = await scratch("exporter_contract_");
    const writer = await inProcess(WRITER_PROTOCOL, startWriter, writerArgs(dir));
    await writer.send("writer.write", syntheticWriteBatch(1, 0, 50));
    const args: ExporterArgs = {
      dataDir: dir,
      lake: { kind: "folder", path: `${dir}/lake` },
      storageEndpoint: null,
      requestTimeoutMs: 30_000,
      serverSide: false,
    };
    exporterWriter = writer;
    return {
      args,
      messages: [
        { type: "exporter.export", body: { seal: true } },
        { type: "exporter.export", body: { seal: false } },
      ],
      cleanup: async () => {
        await writer.stop();
        await cleanup();
      },
    };
  },
  options: {
    ask: (m) => {
      if (exporterWriter === undefined) throw new Error("The exporter asked before its writer ran");
      const writer = exporterWriter;
      return toWriter(m, (name, body) => writer.send(name, body));
    },
  },
});
/** The writer the exporter's asks go to (set by its setup). */
let exporterWriter:
  | Awaited<
    ReturnType<
      typeof inProcess<
        typeof WRITER_PROTOCOL.accepts,
        typeof WRITER_PROTOCOL.emits,
        WriterArgs
      >
    >
  >
  | undefined;

const crawlerArgs = (hosts: readonly string[]): CrawlerArgs => ({
  settings: {
    allowedHosts: hosts,
    userAgent: "ContractBot/1.0",
    concurrency: 2,
    hostConcurrency: 2,
    ratePerHost: 10_000,
    timeoutMs: 2_000,
    maxBytes: 100_000,
    maxTries: 1,
  },
  workers: 1,
  member: 0,
  concurrency: 2,
  tuning: { baseDelayMs: 1, maxDelayMs: 4 },
});

runtimeContract("crawler", {
  protocol: CRAWLER_PROTOCOL,
  start: startCrawlerBehaviour,
  stopDeadlineMs: STOP_DEADLINE_MS,
  setup: () => {
    const shop = new TestShop(() => new Response("", { status: 404 }));
    return {
      args: crawlerArgs([shop.host]),
      messages: [
        {
          type: "crawler.crawl",
          body: { products: [{ productId: "a", url: `${shop.origin}/a.html`, attempts: 0 }] },
        },
        { type: "crawler.counters", body: {} },
      ],
      cleanup: () => shop.close(),
    };
  },
});
