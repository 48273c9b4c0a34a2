import assert from "node:assert/strict";
import { ConfigError, fileSource, redacted, resolveConfig, type Source } from "./config.ts";
import { SHOP_HOSTS } from "./shop_hosts.ts";

const env = (values: Record<string, string>): Source => (key) => values[key];
const noFiles = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

Deno.test("defaults describe the embedded mode: local broker, DuckDB and a lake folder under data", () => {
  const config = resolveConfig([env({})], noFiles);
  assert.deepEqual(config.kafka.brokers, ["127.0.0.1:9092"]);
  assert.equal(config.kafka.localDevBroker, true);
  assert.equal(config.kafka.topic, "product_view");
  assert.equal(config.kafka.startOffset, "earliest");
  assert.deepEqual(config.warehouse, {
    kind: "duckdb",
    path: "data/warehouse.duckdb",
    stringCompression: "auto",
    memoryLimitMb: 128,
    checkpointMb: 64,
  });
  assert.deepEqual(config.lake, { kind: "folder", path: "data/lake" });
  assert.equal(Object.isFrozen(config.kafka), true);
});

Deno.test("DUCKDB_MEMORY_LIMIT_MB sizes DuckDB's cap; less than 128 is refused", () => {
  const config = resolveConfig([env({ DUCKDB_MEMORY_LIMIT_MB: "384" })], noFiles);
  assert.equal(config.warehouse.kind === "duckdb" && config.warehouse.memoryLimitMb, 384);
  assert.throws(
    () => resolveConfig([env({ DUCKDB_MEMORY_LIMIT_MB: "64" })], noFiles),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.includes("DUCKDB_MEMORY_LIMIT_MB must be an integer from 128 to 1048576"),
  );
});

Deno.test("DUCKDB_CHECKPOINT_MB sets the WAL size that makes a commit checkpoint; less than 16 is refused", () => {
  const config = resolveConfig([env({ DUCKDB_CHECKPOINT_MB: "64" })], noFiles);
  assert.equal(config.warehouse.kind === "duckdb" && config.warehouse.checkpointMb, 64);
  assert.throws(
    () => resolveConfig([env({ DUCKDB_CHECKPOINT_MB: "8" })], noFiles),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.includes("DUCKDB_CHECKPOINT_MB must be an integer from 16 to 65536"),
  );
});

Deno.test("MALLOC_MMAP_THRESHOLD_KB is 2048 by default, 0 keeps glibc's own, past 32768 or in other units it is refused", () => {
  assert.equal(resolveConfig([env({})], noFiles).pipeline.mallocMmapThresholdKb, 2048);
  const off = resolveConfig([env({ MALLOC_MMAP_THRESHOLD_KB: "0" })], noFiles);
  assert.equal(off.pipeline.mallocMmapThresholdKb, 0);
  const max = resolveConfig([env({ MALLOC_MMAP_THRESHOLD_KB: "32768" })], noFiles);
  assert.equal(max.pipeline.mallocMmapThresholdKb, 32768);
  for (const bad of ["32769", "-1", "2M", "2097152"]) {
    assert.throws(
      () => resolveConfig([env({ MALLOC_MMAP_THRESHOLD_KB: bad })], noFiles),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes(
          `MALLOC_MMAP_THRESHOLD_KB must be an integer from 0 to 32768, got "${bad}"`,
        ),
    );
  }
});

Deno.test("DUCKDB_STRING_COMPRESSION=off reaches the DuckDB target; another value is refused with the choices", () => {
  const config = resolveConfig(
    [env({ WAREHOUSE: "duckdb:/srv/w.duckdb", DUCKDB_STRING_COMPRESSION: "OFF" })],
    noFiles,
  );
  assert.deepEqual(config.warehouse, {
    kind: "duckdb",
    path: "/srv/w.duckdb",
    stringCompression: "off",
    memoryLimitMb: 128,
    checkpointMb: 64,
  });
  assert.throws(
    () => resolveConfig([env({ DUCKDB_STRING_COMPRESSION: "zstd" })], noFiles),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.includes('DUCKDB_STRING_COMPRESSION must be one of auto, off, got "zstd"'),
  );
});

Deno.test("environment values override the config file, which overrides defaults", () => {
  const file = fileSource(
    "c.json",
    JSON.stringify({ KAFKA_TOPIC: "from-file", CONTROL_PORT: 9000 }),
  );
  const config = resolveConfig([env({ KAFKA_TOPIC: "from-env" }), file], noFiles);
  assert.equal(config.kafka.topic, "from-env");
  assert.equal(config.control.port, 9000);
});

Deno.test("at-scale targets parse into BigQuery and Cloud Storage", () => {
  const config = resolveConfig([
    env({
      WAREHOUSE: "bigquery:my-project-1.clicks",
      LAKE: "gs://shop-lake/bronze/",
      KAFKA_BROKERS: "k1:9094, k2:9094",
    }),
  ], noFiles);
  assert.deepEqual(config.warehouse, {
    kind: "bigquery",
    project: "my-project-1",
    dataset: "clicks",
  });
  assert.deepEqual(config.lake, { kind: "gcs", bucket: "shop-lake", prefix: "bronze" });
  assert.deepEqual(config.kafka.brokers, ["k1:9094", "k2:9094"]);
  assert.equal(config.kafka.localDevBroker, false);
});

Deno.test("every wrong value is named with its key and expected form in one error", () => {
  assert.throws(
    () =>
      resolveConfig([
        env({ CONTROL_PORT: "70000", KAFKA_START_OFFSET: "middle", KAFKA_BROKERS: "nohost" }),
      ], noFiles),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /CONTROL_PORT must be an integer from 1 to 65535, got "70000"/);
      assert.match(
        error.message,
        /KAFKA_START_OFFSET must be one of earliest, latest, got "middle"/,
      );
      assert.match(error.message, /KAFKA_BROKERS must be a comma-separated list of host:port/);
      return true;
    },
  );
});

Deno.test("a bad warehouse or lake names the accepted forms", () => {
  assert.throws(
    () => resolveConfig([env({ WAREHOUSE: "postgres:x", LAKE: "s3://b" })], noFiles),
    /WAREHOUSE must be duckdb:<path> or bigquery:<project>\.<dataset>[\s\S]*LAKE must be a folder or gs:\/\/bucket\/prefix/,
  );
});

Deno.test("SASL without credentials is refused, and the password can come from a file", () => {
  assert.throws(
    () => resolveConfig([env({ KAFKA_SASL_MECHANISM: "plain" })], noFiles),
    /KAFKA_SASL_MECHANISM=plain needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
  );
  const config = resolveConfig([
    env({
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD_FILE: "/run/secrets/kafka",
    }),
  ], (path) => (path === "/run/secrets/kafka" ? "s3cret\n" : noFiles(path)));
  assert.deepEqual(config.kafka.sasl, {
    mechanism: "scram-sha-512",
    username: "u",
    password: "s3cret",
  });
});

Deno.test("a TLS CA file needs KAFKA_SSL, and extra broker hosts are host:port", () => {
  assert.throws(
    () => resolveConfig([env({ KAFKA_SSL_CA_FILE: "/etc/kafka/ca.pem" })], noFiles),
    /KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true/,
  );
  assert.throws(
    () => resolveConfig([env({ KAFKA_EXTRA_HOSTS: "kafka-3" })], noFiles),
    /KAFKA_EXTRA_HOSTS must be a comma-separated list of host:port, got "kafka-3"/,
  );
  const config = resolveConfig([
    env({
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: "/etc/kafka/ca.pem",
      KAFKA_EXTRA_HOSTS: "kafka-3:9093, kafka-4:9093",
    }),
  ], noFiles);
  assert.equal(config.kafka.sslCaFile, "/etc/kafka/ca.pem");
  assert.deepEqual(config.kafka.extraHosts, ["kafka-3:9093", "kafka-4:9093"]);
});

Deno.test("secrets are never shown: not in errors and not in the redacted view", () => {
  const config = resolveConfig([
    env({
      KAFKA_SASL_MECHANISM: "plain",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD: "hunter2",
      CONTROL_TOKEN: "tok-123-0123456789abcdef0123456789",
    }),
  ], noFiles);
  const shown = JSON.stringify(redacted(config));
  assert.doesNotMatch(shown, /hunter2|tok-123/);
  assert.match(shown, /"password":"\*\*\*"/);
  assert.throws(
    () => resolveConfig([env({ CONTROL_TOKEN: "short-secret" })], noFiles),
    (error: unknown) =>
      error instanceof ConfigError &&
      /CONTROL_TOKEN must be at least 32 characters, got \(secret not shown\)/.test(
        error.message,
      ) &&
      !error.message.includes("short-secret"),
  );
});

Deno.test("the control plane binds loopback by default, without a metrics port", () => {
  assert.deepEqual(resolveConfig([env({})], noFiles).control, {
    host: "127.0.0.1",
    port: 8790,
    token: undefined,
    metricsPort: undefined,
  });
  const exposed = resolveConfig([env({ CONTROL_HOST: "0.0.0.0", METRICS_PORT: "9464" })], noFiles);
  assert.deepEqual([exposed.control.host, exposed.control.metricsPort], ["0.0.0.0", 9464]);
  assert.throws(
    () => resolveConfig([env({ CONTROL_HOST: "a b" })], noFiles),
    /CONTROL_HOST must be/,
  );
});

Deno.test("a config file with unknown keys or bad JSON is refused with its path", () => {
  assert.throws(() => fileSource("x.json", "{ nope"), /Config file x\.json is not valid JSON/);
  assert.throws(
    () => fileSource("x.json", JSON.stringify({ KAFKA_TOPIK: "t" })),
    /Config file x\.json has unknown keys: KAFKA_TOPIK/,
  );
});

Deno.test("pipeline settings default from the settings table and refuse values out of range", () => {
  const config = resolveConfig([env({})], noFiles);
  assert.equal(config.pipeline.chunkSize, 2_000);
  assert.equal(config.pipeline.batchMaxRows, 10_000);
  assert.equal(config.pipeline.batchMaxBytes, 16 * 1024 * 1024);
  assert.ok(config.pipeline.enrichers >= 1);
  assert.equal(config.geoip.refreshMs, 60_000);
  assert.throws(
    () =>
      resolveConfig([env({ CHUNK_SIZE: "0", ENRICHERS: "many", GEOIP_REFRESH_MS: "-5" })], noFiles),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /CHUNK_SIZE must be an integer from 1 to 10000, got "0"/);
      assert.match(error.message, /ENRICHERS must be an integer from 1 to 64, got "many"/);
      assert.match(error.message, /GEOIP_REFRESH_MS must be an integer from 0 to 86400000/);
      return true;
    },
  );
});

Deno.test("crawler defaults allow the shop's stores at a polite pace", () => {
  const settings = resolveConfig([env({})], noFiles).crawl;
  assert.deepEqual(settings.allowedHosts, SHOP_HOSTS);
  assert.equal(settings.ratePerHost, 1);
  assert.equal(settings.concurrency, 8);
  assert.match(settings.userAgent, /^ClickstreamLakehouseBot\/1\.0/);
  assert.equal(Object.isFrozen(settings), true);
});

Deno.test("crawl hosts with or without ports and a fractional rate are read", () => {
  const settings = resolveConfig([
    env({ CRAWL_ALLOWED_HOSTS: "127.0.0.1:8080, www.glamira.de", CRAWL_RATE_PER_HOST: "0.5" }),
  ], noFiles).crawl;
  assert.deepEqual(settings.allowedHosts, ["127.0.0.1:8080", "www.glamira.de"]);
  assert.equal(settings.ratePerHost, 0.5);
});

Deno.test("bad crawler values are named with their key and form in one error", () => {
  assert.throws(
    () =>
      resolveConfig([
        env({ CRAWL_ALLOWED_HOSTS: "https://x.de/", CRAWL_MAX_TRIES: "0" }),
      ], noFiles),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /CRAWL_ALLOWED_HOSTS must be a comma-separated list of host or/);
      assert.match(error.message, /CRAWL_MAX_TRIES must be an integer from 1 to 10, got "0"/);
      return true;
    },
  );
});
