import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { run as start } from "../commands/start.ts";
import { freePorts } from "../test/free_port.ts";
import { testKafka, uniqueTopic } from "../test/kafka_fixture.ts";
import { generateMessages } from "../tools/produce/mod.ts";
import { TestShop } from "./crawler/testing.ts";
import { declaredWorkerModule, WORKER_MODULES, workerModuleUrl } from "./worker_modules.ts";

Deno.test("every declared Worker module is a file that serves an actor", async () => {
  for (const name of Object.keys(WORKER_MODULES) as (keyof typeof WORKER_MODULES)[]) {
    const source = await Deno.readTextFile(new URL(workerModuleUrl(name)));
    assert.match(source, /\bserve\(/, `${WORKER_MODULES[name]} does not call serve()`);
  }
});

Deno.test("the compile task and the Dockerfile build from the declaration, naming no module by hand", async () => {
  const root = new URL("../", import.meta.url);
  const denoJson: unknown = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const compile = (denoJson as { tasks?: { compile?: unknown } }).tasks?.compile;
  assert.match(String(compile), /main\.ts launch compile$/);
  const dockerfile = await Deno.readTextFile(new URL("Dockerfile", root));
  assert.match(dockerfile, /\.\/denow task compile/);
  for (const text of [String(compile), dockerfile]) {
    assert.doesNotMatch(text, /--include|_actor\.ts/);
  }
});

/**
 * Runs `fn` with `globalThis.Worker` replaced by a subclass that records each module URL (`fn` sees
 * the list as it grows).
 */
async function recordingWorkers(
  fn: (spawned: readonly string[]) => Promise<void>,
): Promise<string[]> {
  const spawned: string[] = [];
  const Original = globalThis.Worker;
  globalThis.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      spawned.push(String(url));
      super(url, options);
    }
  };
  try {
    await fn(spawned);
  } finally {
    globalThis.Worker = Original;
  }
  return spawned;
}

/** Sets `env` for the duration of `fn`. */
async function withEnv(env: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const before = Object.fromEntries(Object.keys(env).map((key) => [key, Deno.env.get(key)]));
  for (const [key, value] of Object.entries(env)) Deno.env.set(key, value);
  try {
    await fn();
  } finally {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) Deno.env.delete(key);
      else Deno.env.set(key, value);
    }
  }
}

async function untilHealthy(port: number, token: string, exited: () => boolean): Promise<void> {
  while (!exited()) {
    const status = await fetch(`http://127.0.0.1:${port}/health`, {
      headers: { authorization: `Bearer ${token}` },
    }).then(async (r) => {
      await r.body?.cancel();
      return r.status;
    }, (error: unknown) => {
      if (error instanceof TypeError) return 0; // not listening yet
      throw error;
    });
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves once `spawned` holds a Worker of each of `urls`, turn by turn of the event loop. */
async function untilSpawned(spawned: readonly string[], urls: readonly string[]): Promise<void> {
  for (let turn = 0; turn < 1_000_000; turn++) {
    if (urls.every((url) => spawned.includes(url))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Never spawned: ${urls.filter((url) => !spawned.includes(url)).join(", ")}`);
}

/** `count` generated events whose page URLs point at `origin` (products for its crawler). */
async function produceToShop(brokers: string, topic: string, origin: string, count: number) {
  const producer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const messages = [...generateMessages({ seed: 5, count })].map((m) => {
      const event = JSON.parse(new TextDecoder().decode(m.value));
      if (typeof event.current_url === "string") {
        event.current_url = event.current_url.replace(/^https?:\/\/[^/]+/, origin);
      }
      return { key: m.key, value: Buffer.from(JSON.stringify(event)) };
    });
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

Deno.test({
  name:
    "the pipeline started as `start` does spawns only declared Worker modules, the on-demand ones when asked",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const kafka = await testKafka();
    const shop = new TestShop(() => new Response("", { status: 404 }));
    const dataDir = await Deno.makeTempDir({ prefix: "worker-modules-" });
    const csv = `${dataDir}/DB5.CSV`;
    await Deno.writeTextFile(csv, `"0","4294967295","NL","Netherlands","-","-","0","0"\n`);
    const [port] = freePorts(1) as [number];
    const token = crypto.randomUUID();
    const topic = uniqueTopic("worker-modules");
    const admin = new Kafka({ brokers: [kafka.plain], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    // Products on the shop's host: the crawler's Worker (on demand) starts for them.
    await produceToShop(kafka.plain, topic, shop.origin, 20);
    try {
      const spawned = await recordingWorkers((seen) =>
        withEnv({
          DATA_DIR: dataDir,
          KAFKA_BROKERS: kafka.plain,
          KAFKA_TOPIC: topic,
          KAFKA_GROUP: `${topic}-group`,
          GEOIP_CSV: csv,
          CRAWL_ALLOWED_HOSTS: shop.host,
          CONTROL_PORT: String(port),
          CONTROL_TOKEN: token,
          LOG_LEVEL: "warn",
        }, async () => {
          let done = false;
          const running = start([]).finally(() => done = true);
          await Promise.race([untilHealthy(port, token, () => done), running]);
          // The exporter's Worker (on demand) starts for an export.
          const exported = await fetch(`http://127.0.0.1:${port}/export`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}` },
          });
          assert.equal(exported.status, 200, await exported.text());
          await untilSpawned(seen, [workerModuleUrl("exporter"), workerModuleUrl("crawler")]);
          Deno.kill(Deno.pid, "SIGTERM");
          assert.equal(await running, 0);
        })
      );
      const undeclared = spawned.filter((url) => declaredWorkerModule(url) === undefined);
      assert.deepEqual(undeclared, [], "spawned Worker modules missing from WORKER_MODULES");
      const names = new Set(spawned.map(declaredWorkerModule));
      assert.deepEqual([...names].sort(), Object.keys(WORKER_MODULES).sort());
    } finally {
      await shop.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
