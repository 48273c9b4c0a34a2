import assert from "node:assert/strict";
import type { PartitionRefused } from "../messages/writer.ts";
import { PipelineMetrics } from "./pipeline_metrics.ts";
import { Readiness } from "./readiness.ts";
import { WriterReports } from "./writer_reports.ts";

function setup() {
  const readiness = new Readiness();
  const actions: string[] = [];
  const reports = new WriterReports({
    readiness,
    metrics: new PipelineMetrics(),
    rereadFromCommit: () => void actions.push("reread"),
    halt: (topic, partition) => {
      actions.push(`halt ${topic}/${partition}`);
      return Promise.resolve();
    },
  });
  return { readiness, actions, reports };
}

const refusal = (kind: PartitionRefused["kind"], halts: boolean): PartitionRefused => ({
  topic: "t",
  partition: 2,
  kind,
  epoch: 0,
  storedOffset: 99,
  kafkaOffset: 199,
  halts,
  message: "Refusing topic t partition 2",
  held: 10,
});

Deno.test("a stall makes the writer stage stuck until the writer resumes or writes", () => {
  const { readiness, reports } = setup();
  reports.stalled({
    operation: "write batch",
    reason: "connect ECONNREFUSED",
    sinceMs: 1_000,
    attempts: 2,
    retryInMs: 1_000,
  });
  assert.equal(readiness.has("writer"), true);
  reports.resumed({ operation: "write batch", stalledMs: 5_000, attempts: 3 });
  assert.equal(readiness.has("writer"), false);
});

Deno.test("a gap re-reads from the commit, at most once per 10 s; other refusals halt the partition", async () => {
  const { readiness, actions, reports } = setup();
  await reports.refused(refusal("gap", false));
  await reports.refused(refusal("gap", false));
  assert.deepEqual(actions, ["reread"]);
  await reports.refused(refusal("topic_changed", true));
  await reports.refused(refusal("topic_changed", true));
  assert.deepEqual(actions, ["reread", "halt t/2", "halt t/2"]);
  assert.equal(readiness.has("halted:t/2"), true);
});
