import assert from "node:assert/strict";
import { parsePrometheus } from "../test/prometheus.ts";
import { Registry } from "./metrics.ts";

Deno.test("counters, gauges and histograms render as Prometheus text a real parser reads back", () => {
  const r = new Registry();
  r.inc("pipeline_events_received_total", "Events received", { actor: "consumer" }, 5);
  r.inc("pipeline_events_received_total", "Events received", { actor: "consumer" });
  r.set("pipeline_mailbox_depth", "Queued messages", { actor: 'enr"icher\n1' }, 3);
  r.observe("pipeline_e2e_latency_seconds", "Kafka to durable", [0.1, 1], {}, 0.05);
  r.observe("pipeline_e2e_latency_seconds", "Kafka to durable", [0.1, 1], {}, 0.5);
  r.observe("pipeline_e2e_latency_seconds", "Kafka to durable", [0.1, 1], {}, 7);
  const families = parsePrometheus(r.render());
  const byName = new Map(families.map((f) => [f.name, f]));
  const received = byName.get("pipeline_events_received_total");
  assert.equal(received?.type, "COUNTER");
  assert.deepEqual(received?.metrics, [{ labels: { actor: "consumer" }, value: "6" }]);
  const depth = byName.get("pipeline_mailbox_depth");
  assert.deepEqual(depth?.metrics[0]?.labels, { actor: 'enr"icher\n1' });
  const latency = byName.get("pipeline_e2e_latency_seconds");
  assert.equal(latency?.type, "HISTOGRAM");
  assert.deepEqual(latency?.metrics[0], {
    buckets: { "0.1": "1", "1": "2", "+Inf": "3" },
    count: "3",
    sum: "7.55",
  });
});

Deno.test("a counter never decreases and a name is used for one kind only", () => {
  const r = new Registry();
  assert.throws(() => r.inc("pipeline_x_total", "x", {}, -1), RangeError);
  r.setTotal("pipeline_x_total", "x", {}, 10);
  r.setTotal("pipeline_x_total", "x", {}, 4);
  assert.match(r.render(), /pipeline_x_total 10/);
  assert.throws(() => r.set("pipeline_x_total", "x", {}, 1), /is a counter/);
  assert.throws(() => r.inc("bad name", "x"), /Invalid metric name/);
});

Deno.test("observeMany adds per-bucket counts as if each value was observed", () => {
  const one = new Registry();
  const many = new Registry();
  const buckets = [1, 5, 10];
  for (const v of [0.5, 3, 3, 7, 50]) one.observe("lat", "latency", buckets, {}, v);
  many.observeMany("lat", "latency", buckets, {}, [1, 2, 1, 1], 63.5);
  assert.equal(many.render(), one.render());
});
