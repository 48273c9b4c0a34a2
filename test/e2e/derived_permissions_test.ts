/**
 * `deno task start` as a user runs it, against a configuration the old fixed permissions
 * refused: the broker on 127.0.0.2, DATA_DIR and LAKE outside ./data, the crawler on (the
 * default) against an allowed local shop. The launcher grants exactly what that configuration
 * needs; events reach the warehouse and, through `deno task export`, the lake; products get names;
 * `deno task models` builds Silver and Gold from that export (issue 15 on the real pipeline).
 * A broker advertised outside the grant, or a process run with less than its configuration
 * needs, ends the start with one line that says what to add.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { dirname } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { Kafka, logLevel } from "kafkajs";
import { magentoPage } from "../../actors/crawler/store_pages.ts";
import { TestShop } from "../../actors/crawler/testing.ts";
import { EXIT_PERMISSIONS } from "../../commands/exit_codes.ts";
import { SOURCE_ROOT } from "../../commands/permissions.ts";
import { generateMessages } from "../../tools/produce/mod.ts";
import { freePorts } from "../free_port.ts";
import { testKafka, uniqueTopic } from "../kafka_fixture.ts";
import { runPipelineToExit } from "../pipeline_process.ts";
import { queryWarehouse } from "../warehouse_probe.ts";
import { caughtUp } from "./ingestion_fixture.ts";

const EVENTS = 2_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Units of the generated orders: each order_id's first checkout_success cart, as Silver counts. */
const orderUnits = new Map<number, number>();

/** Generated events with every page URL moved to `origin`, written through `brokers`. */
async function produceToShop(brokers: string, topic: string, origin: string): Promise<void> {
  const producer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const generated = generateMessages({
      seed: 11,
      count: EVENTS,
      collectionWeights: { checkout_success: 3 },
    });
    const messages = [...generated].map((m) => {
      const event = JSON.parse(decoder.decode(m.value));
      const order = Number(event.order_id);
      if (event.collection === "checkout_success" && !orderUnits.has(order)) {
        const cart: { amount: number }[] = event.cart_products;
        orderUnits.set(order, cart.reduce((n, line) => n + line.amount, 0));
      }
      if (typeof event.current_url === "string") {
        event.current_url = event.current_url.replace(/^https?:\/\/[^/]+/, origin);
      }
      return { key: m.key, value: Buffer.from(encoder.encode(JSON.stringify(event))) };
    });
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/** `deno task <name> [-- args]` from the repository, as a user's shell would run it. */
function task(
  name: string,
  env: Record<string, string>,
  stderr: "piped" | "null" = "piped",
  args: string[] = [],
) {
  return new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", name, ...(args.length > 0 ? ["--", ...args] : [])],
    cwd: SOURCE_ROOT,
    // The launcher runs `deno` by name, as ./denow arranges: this Deno first on PATH.
    env: { ...env, PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}` },
    stdin: "null",
    stdout: "piped",
    stderr,
  });
}

async function getJson(url: string, token: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch(
    (error: unknown) => {
      if (error instanceof TypeError) return undefined; // not listening yet
      throw error;
    },
  );
  if (response === undefined) return undefined;
  return response.ok ? await response.json() : await response.body?.cancel();
}

/** Polls `url` until `done` accepts its JSON; fails when the process ends first. */
async function until(
  url: string,
  token: string,
  exited: () => boolean,
  done: (body: unknown) => boolean,
): Promise<void> {
  while (true) {
    if (exited()) throw new Error(`deno task start exited while waiting for ${url}`);
    if (done(await getJson(url, token))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const merged = (status: unknown): number => {
  const crawler = (status as { crawler?: { merged?: unknown } } | undefined)?.crawler;
  return typeof crawler?.merged === "number" ? crawler.merged : 0;
};

Deno.test({
  name:
    "deno task start grants exactly what its configuration needs (a broker on 127.0.0.2, a lake outside ./data, the crawler's shop), and deno task models builds Gold from its export",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const kafka = await testKafka();
    const shop = new TestShop((_request, url) =>
      url.pathname === "/robots.txt"
        ? new Response("", { status: 404 })
        : new Response(magentoPage({ name: `Ring ${url.pathname}`, price: "1", currency: "EUR" }))
    );
    const topic = uniqueTopic("e2e-task");
    const admin = new Kafka({ brokers: [kafka.plain], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    await produceToShop(kafka.alias, topic, shop.origin);

    const dataDir = await Deno.makeTempDir({ prefix: "e2e-task-data-" });
    const lakeDir = await Deno.makeTempDir({ prefix: "e2e-task-lake-" });
    const [port] = freePorts(1) as [number];
    const token = crypto.randomUUID();
    const env = {
      DATA_DIR: dataDir,
      LAKE: `${lakeDir}/lake`,
      KAFKA_BROKERS: kafka.alias,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP: `${topic}-group`,
      CRAWL_ALLOWED_HOSTS: shop.host,
      CRAWL_RATE_PER_HOST: "1000",
      BATCH_MAX_AGE_MS: "200",
      CONTROL_PORT: String(port),
      CONTROL_TOKEN: token,
      LOG_LEVEL: "info",
    };
    const child = task("start", env).spawn();
    const log = new Response(child.stderr).text();
    await child.stdout.cancel();
    let exited = false;
    const status = child.status.finally(() => exited = true);
    try {
      const base = `http://127.0.0.1:${port}`;
      await until(`${base}/status`, token, () => exited, (body) => body !== undefined);
      await caughtUp({ brokers: kafka.plain, topic, group: `${topic}-group` });
      await until(`${base}/status`, token, () => exited, (body) => merged(body) > 0);

      const exported = await task("export", env, "null").output();
      assert.equal(exported.code, 0);
      const report = JSON.parse(decoder.decode(exported.stdout));
      assert.equal(report.rows, EVENTS);
    } finally {
      if (!exited) child.kill("SIGTERM");
    }
    assert.equal((await status).code, 0, await log);

    const entries = (await log).split("\n").map((line) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        if (error instanceof SyntaxError) return {}; // Deno's own lines are not JSON
        throw error;
      }
    });
    const launched = entries.find((entry) => entry.event === "LaunchPermissions");
    assert.deepEqual(launched?.net, [`127.0.0.1:${port}`, shop.host, kafka.alias].sort());
    assert.ok(launched?.write.includes(dataDir) && launched?.write.includes(`${lakeDir}/lake`));
    assert.deepEqual(launched?.run, []);
    // The launched pipeline set glibc's mmap threshold itself, and its probe found it fixed.
    const threshold = entries.find((entry) => entry.event === "PipelineMallocMmapThreshold");
    assert.deepEqual(
      { applied: threshold?.applied, kb: threshold?.kb, fixed: threshold?.fixed },
      { applied: "setting", kb: 2048, fixed: true },
    );

    const [[manifestRows, named]] = await queryWarehouse(
      `${dataDir}/warehouse.duckdb`,
      `SELECT (SELECT sum(row_count) FROM export_manifest),
              (SELECT count(*) FROM product_catalog WHERE product_name IS NOT NULL)`,
    ) as [[unknown, unknown]];
    assert.equal(Number(manifestRows), EVENTS);
    assert.ok(Number(named) > 0, `named products: ${named}`);
    const lake = await DuckDBInstance.create(":memory:");
    const db = await lake.connect();
    const [[inLake]] = (await db.runAndReadAll(
      `SELECT count(*) FROM read_parquet('${lakeDir}/lake/bronze/summary/**/*.parquet')`,
    )).getRowsJS() as [[unknown]];
    db.closeSync();
    lake.closeSync();
    assert.equal(Number(inLake), EVENTS);
    assert.ok(shop.requests.some((r) => r.path !== "/robots.txt"));

    // The README's next step: the models over that export, with every model test passing.
    const models = await task("models", { DATA_DIR: dataDir, LAKE: `${lakeDir}/lake` }).output();
    const modelsOut = decoder.decode(models.stdout);
    assert.equal(models.code, 0, `${modelsOut}\n${decoder.decode(models.stderr)}`);
    assert.match(modelsOut, /models summary: success target=duckdb .*tests=(\d+)\/\1 /);
    const gold = await DuckDBInstance.create(":memory:");
    const goldDb = await gold.connect();
    const [[events, units, orders]] = (await goldDb.runAndReadAll(
      `SELECT (SELECT events FROM '${lakeDir}/lake/gold/gold_sales_overview.parquet'),
         (SELECT sum(quantity) FROM '${lakeDir}/lake/silver/silver_order_lines.parquet'),
         (SELECT count(DISTINCT order_key) FROM '${lakeDir}/lake/silver/silver_order_lines.parquet')`,
    )).getRowsJS() as [[unknown, unknown, unknown]];
    goldDb.closeSync();
    gold.closeSync();
    assert.equal(Number(events), EVENTS);
    assert.ok(orderUnits.size > 10, `${orderUnits.size} generated orders`);
    assert.equal(Number(orders), orderUnits.size);
    assert.equal(Number(units), [...orderUnits.values()].reduce((n, u) => n + u, 0));
    await shop.close();
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(lakeDir, { recursive: true });
  },
});

Deno.test({
  name: "deno task produce writes to the configured brokers with only their network access",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const kafka = await testKafka();
    const topic = uniqueTopic("e2e-task-produce");
    const ran = await task("produce", { KAFKA_BROKERS: kafka.alias }, "piped", [
      "--count",
      "300",
      "--topic",
      topic,
    ]).output();
    const stderr = decoder.decode(ran.stderr);
    assert.equal(ran.code, 0, stderr);
    assert.match(stderr, new RegExp(`"command":"produce","net":\\["${kafka.alias}"\\]`));
    const admin = new Kafka({ brokers: [kafka.plain], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    assert.equal(offsets.reduce((sum, p) => sum + Number(p.high), 0), 300);
  },
});

Deno.test({
  name:
    "a broker the cluster advertises outside the granted hosts ends the start with one line naming KAFKA_EXTRA_HOSTS",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const kafka = await testKafka();
    // Bootstrapped as localhost, the broker advertises itself as 127.0.0.1: another host.
    const bootstrap = kafka.plain.replace("127.0.0.1", "localhost");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-task-extra-" });
    const [port] = freePorts(1) as [number];
    const ended = await task("start", {
      DATA_DIR: dataDir,
      KAFKA_BROKERS: bootstrap,
      CRAWL_ENABLED: "false",
      CONTROL_PORT: String(port),
      CONTROL_TOKEN: crypto.randomUUID(),
    }).output();
    const errors = decoder.decode(ended.stderr).split("\n").filter((l) => l.includes('"error"'));
    assert.equal(ended.code, EXIT_PERMISSIONS, errors.join("\n"));
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(
      errors[0] ?? "",
      new RegExp(`KafkaHostNotPermitted.*KAFKA_EXTRA_HOSTS=${kafka.plain}`),
    );
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name: "start run with narrower permissions than its configuration needs lists every missing one",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-narrow-" });
    const ended = await runPipelineToExit({
      dataDir,
      env: {
        KAFKA_BROKERS: "kafka-1.example.com:9093",
        CRAWL_ALLOWED_HOSTS: "www.example.com",
        LOG_LEVEL: "info",
      },
    });
    const errors = ended.output.split("\n").filter((line) => line.includes('"error"'));
    assert.equal(ended.code, EXIT_PERMISSIONS, ended.output);
    assert.equal(errors.length, 1, errors.join("\n"));
    const { missing } = JSON.parse(errors[0] ?? "{}");
    assert.deepEqual(missing, [
      "net kafka-1.example.com:9093",
      "net www.example.com:443",
      "net www.example.com:80",
    ]);
    await Deno.remove(dataDir, { recursive: true });
  },
});
