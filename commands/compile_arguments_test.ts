import assert from "node:assert/strict";
import { WORKER_MODULES } from "../actors/worker_modules.ts";
import { resolveConfig } from "../config/config.ts";
import { compilePlan, embeddedRoot } from "./compile_arguments.ts";
import { v8FlagsArgument } from "./pipeline_v8_flags.ts";

const context = {
  sourceRoot: "/src",
  toolCache: "/home/u/.cache/clickstream-lakehouse",
  defaultGeoip: ["/src/node_modules/.deno/x/dbip-country-ipv4-num.csv"],
  googleCredentials: [],
};

Deno.test("the binary includes every declared Worker module and the default geoip files", () => {
  const config = resolveConfig([(key) => ({ KAFKA_BROKERS: "kafka-1:9093" })[key]], () => "");
  const plan = compilePlan(config, context);
  const included = plan.args.flatMap((arg, i) => plan.args[i - 1] === "--include" ? [arg] : []);
  for (const module of Object.values(WORKER_MODULES)) assert.ok(included.includes(module), module);
  assert.ok(included.includes("node_modules/.deno/x/dbip-country-ipv4-num.csv"));
  assert.deepEqual(plan.args.slice(-3), ["--output", "dist/clickstream-lakehouse", "main.ts"]);
});

Deno.test("the binary's permissions are start's for the build configuration, read from its root", () => {
  const config = resolveConfig([
    (key) => ({ KAFKA_BROKERS: "kafka-1:9093", DATA_DIR: "/data", CRAWL_ENABLED: "false" })[key],
  ], () => "");
  const plan = compilePlan(config, context, "out/lakehouse");
  assert.ok(plan.args.includes("--allow-net=127.0.0.1:8790,kafka-1:9093"), plan.args.join(" "));
  assert.ok(plan.permissions.read.includes(embeddedRoot("lakehouse")));
  assert.ok(!plan.permissions.read.some((path) => path.startsWith("/src")));
  assert.ok(plan.args.includes("--allow-write=/data"), plan.args.join(" "));
  assert.deepEqual(plan.permissions.run, []);
});

Deno.test("the binary runs with the pipeline's V8 heap flags, as `deno task start` does", () => {
  const config = resolveConfig([(key) => ({ KAFKA_BROKERS: "kafka-1:9093" })[key]], () => "");
  assert.ok(compilePlan(config, context).args.includes(v8FlagsArgument()));
});
