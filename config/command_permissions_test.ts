import assert from "node:assert/strict";
import {
  crawlPermissions,
  exportPermissions,
  GOOGLE_AUTH_HOSTS,
  kafkaPermissions,
  type PermissionContext,
  producePermissions,
  resetPermissions,
  startPermissions,
} from "./command_permissions.ts";
import { type Config, resolveConfig } from "./config.ts";
import { permissionFlags, permissionSet } from "./permission_set.ts";

const context: PermissionContext = {
  sourceRoot: "/opt/lakehouse",
  toolCache: "/home/u/.cache/clickstream-lakehouse",
  defaultGeoip: [
    "/opt/lakehouse/node_modules/dbip/v4.csv",
    "/opt/lakehouse/node_modules/dbip/v6.csv",
  ],
  googleCredentials: ["/home/u/.config/gcloud/application_default_credentials.json"],
};
/** The crawler's allow-list of these tests (the default is the shop's 44 stores). */
const CRAWL_HOSTS = { CRAWL_ALLOWED_HOSTS: "www.glamira.de,127.0.0.1:8081" };

function config(env: Record<string, string>, files: Record<string, string> = {}): Config {
  const all: Record<string, string> = { ...CRAWL_HOSTS, ...env };
  return resolveConfig([(key) => all[key]], (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`unexpected read of ${path}`);
    return text;
  });
}

Deno.test("the default start grants the dev broker, its jar cache, the control port and the shop's hosts", () => {
  const set = startPermissions(config({}), context);
  assert.deepEqual(set.net, [
    "127.0.0.1:8081",
    "127.0.0.1:8790",
    "127.0.0.1:9092",
    "www.glamira.de:443",
    "www.glamira.de:80",
  ]);
  assert.deepEqual(set.write, ["/home/u/.cache/clickstream-lakehouse", "data"]);
  assert.deepEqual(set.read, ["/home/u/.cache/clickstream-lakehouse", "/opt/lakehouse", "data"]);
  assert.deepEqual(set.run, ["java", "mvn"]);
  assert.deepEqual([set.env, set.sys, set.ffi], [true, true, true]);
});

Deno.test("a configured cluster, lake and warehouse outside data are granted, and nothing of the dev broker", () => {
  const set = startPermissions(
    config({
      KAFKA_BROKERS: "kafka-1:9093,kafka-2:9093",
      KAFKA_EXTRA_HOSTS: "kafka-3:9093",
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: "/etc/kafka/ca.pem",
      WAREHOUSE: "duckdb:/srv/wh/lakehouse.duckdb",
      LAKE: "/srv/lake",
      CRAWL_ENABLED: "false",
      GEOIP_CSV: "/srv/geo/DB5.CSV",
    }),
    context,
  );
  assert.deepEqual(set.net, ["127.0.0.1:8790", "kafka-1:9093", "kafka-2:9093", "kafka-3:9093"]);
  assert.deepEqual(set.write, [
    "/srv/lake",
    "/srv/wh/lakehouse.duckdb",
    "/srv/wh/lakehouse.duckdb.tmp",
    "/srv/wh/lakehouse.duckdb.wal",
    "data",
  ]);
  assert.ok(set.read.includes("/etc/kafka/ca.pem") && set.read.includes("/srv/geo/DB5.CSV"));
  assert.ok(!set.read.some((path) => path.includes("dbip")), "the default geoip is not read");
  assert.deepEqual(set.run, []);
});

Deno.test("BigQuery and Cloud Storage grant their APIs, Google's auth hosts and the ADC file", () => {
  const set = startPermissions(
    config({
      KAFKA_BROKERS: "kafka-1:9093",
      WAREHOUSE: "bigquery:my-project.clickstream",
      LAKE: "gs://my-bucket/lake",
      CRAWL_ENABLED: "false",
    }),
    context,
  );
  for (const host of ["bigquery.googleapis.com:443", "storage.googleapis.com:443"]) {
    assert.ok(set.net.includes(host), host);
  }
  for (const host of GOOGLE_AUTH_HOSTS) assert.ok(set.net.includes(host), host);
  assert.ok(set.read.includes(context.googleCredentials[0] ?? ""));
  assert.deepEqual(set.write, ["data"]);
});

Deno.test("emulator endpoints are granted as they are, without Google's hosts or credentials", () => {
  const set = startPermissions(
    config({
      KAFKA_BROKERS: "127.0.0.1:9092",
      WAREHOUSE: "bigquery:my-project.clickstream",
      LAKE: "gs://my-bucket/lake",
      BIGQUERY_ENDPOINT: "http://127.0.0.1:9050",
      STORAGE_ENDPOINT: "http://localhost:4443/storage/v1",
      CRAWL_ENABLED: "false",
    }),
    context,
  );
  assert.deepEqual(set.net, [
    "127.0.0.1:8790",
    "127.0.0.1:9050",
    "127.0.0.1:9092",
    "localhost:4443",
  ]);
  assert.ok(!set.read.includes(context.googleCredentials[0] ?? ""));
});

Deno.test("the configuration file and secret files are read by every command that loads them", () => {
  const files = { "/run/secrets/kafka": "s3cret\n" };
  const withFiles = config({
    KAFKA_BROKERS: "kafka-1:9093",
    KAFKA_SASL_MECHANISM: "plain",
    KAFKA_SASL_USERNAME: "u",
    KAFKA_SASL_PASSWORD_FILE: "/run/secrets/kafka",
  }, files);
  for (const set of [startPermissions(withFiles, context), producePermissions(withFiles)]) {
    assert.ok(set.read.includes("/run/secrets/kafka"), set.read.join(","));
  }
  assert.deepEqual(producePermissions(withFiles).net, ["kafka-1:9093"]);
});

Deno.test("export, crawl and kafka get only what each does", () => {
  const c = config({ CONTROL_PORT: "9000" });
  assert.deepEqual(
    exportPermissions(c),
    permissionSet({
      net: ["127.0.0.1:9000"],
      read: ["data"],
      env: true,
    }),
  );
  const crawl = crawlPermissions(c);
  assert.deepEqual(crawl.net, ["127.0.0.1:8081", "www.glamira.de:443", "www.glamira.de:80"]);
  assert.deepEqual(crawl.write, ["data"]);
  const kafka = kafkaPermissions({ dataDir: "dev", plainPort: 19092 }, context);
  assert.deepEqual(kafka.net, ["127.0.0.1:19092"]);
  assert.deepEqual(kafka.run, ["java", "mvn"]);
  assert.deepEqual(kafka.write, ["/home/u/.cache/clickstream-lakehouse", "dev"]);
});

Deno.test("reset-partition gets the warehouse only: the DuckDB file, or BigQuery's host", () => {
  const duck = resetPermissions(config({}), context);
  assert.deepEqual([duck.net, duck.write, duck.run, duck.ffi], [[], ["data"], [], true]);
  const bq = resetPermissions(
    config({ WAREHOUSE: "bigquery:proj-123.ds", BIGQUERY_ENDPOINT: "http://127.0.0.1:9050" }),
    context,
  );
  assert.deepEqual(bq.net, ["127.0.0.1:9050"]);
});

Deno.test("flags grant exactly the set; a path with a comma is refused by name", () => {
  assert.deepEqual(
    permissionFlags(permissionSet({ net: ["b:2", "a:1"], read: ["data", "data/lake"], env: true })),
    ["--allow-env", "--allow-net=a:1,b:2", "--allow-read=data"],
  );
  assert.throws(
    () => permissionFlags(permissionSet({ write: ["/srv/a,b"] })),
    /Cannot grant write access to "\/srv\/a,b"/,
  );
});

Deno.test("a control server exposed on CONTROL_HOST with a METRICS_PORT listens on both, and export reaches it on loopback", () => {
  const exposed = config({ CONTROL_HOST: "0.0.0.0", CONTROL_PORT: "8790", METRICS_PORT: "9464" });
  const set = startPermissions(exposed, context);
  assert.ok(set.net.includes("0.0.0.0:8790") && set.net.includes("0.0.0.0:9464"), set.net.join());
  assert.ok(!set.net.includes("127.0.0.1:8790"));
  assert.deepEqual(exportPermissions(exposed).net, ["127.0.0.1:8790"]);
});
