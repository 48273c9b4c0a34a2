import assert from "node:assert/strict";
import { testKafka } from "../../test/kafka_fixture.ts";
import { kafkaClient } from "./kafka_client.ts";

/** Counts the timers armed while `fn` runs. */
async function timersDuring(fn: () => Promise<void>): Promise<number> {
  const original = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return original(...args);
  }) as typeof setTimeout;
  try {
    await fn();
  } finally {
    globalThis.setTimeout = original;
  }
  return timers;
}

Deno.test({
  // The runtime prints TimeoutNegativeWarning once per process; the loop behind it is what
  // shows in every connection, so the timers are counted.
  name: "an idle kafkajs connection arms no 1 ms timer loop (the TimeoutNegativeWarning's cause)",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const kafka = await testKafka();
    const admin = kafkaClient({ brokers: [kafka.plain], sasl: undefined, ssl: false }, "rq-fix")
      .admin();
    try {
      const timers = await timersDuring(async () => {
        await admin.connect();
        await admin.listTopics(); // requests and responses, then 300 ms of idle connection
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      // Unfixed, the queue re-arms a clamped 1 ms timer for as long as it is idle (~150 here).
      assert.ok(timers < 30, `timers armed: ${timers}`);
    } finally {
      await admin.disconnect();
    }
  },
});
