import assert from "node:assert/strict";
import { CreditGate, MailboxClosedError } from "./credit_gate.ts";

Deno.test("a sender past capacity waits until a credit is released", async () => {
  const gate = new CreditGate("t", 2);
  await gate.acquire();
  await gate.acquire();
  let third = false;
  const waiting = gate.acquire().then(() => (third = true));
  await Promise.resolve();
  assert.equal(third, false);
  assert.equal(gate.full, true);
  gate.release();
  await waiting;
  assert.equal(third, true);
  assert.equal(gate.used, 2);
});

Deno.test("pressure listeners hear full and room once per change", async () => {
  const gate = new CreditGate("t", 1);
  const heard: boolean[] = [];
  gate.onPressure((full) => heard.push(full));
  await gate.acquire();
  assert.equal(gate.tryAcquire(), false);
  gate.release();
  assert.deepEqual(heard, [true, false]);
});

Deno.test("closing rejects waiting senders with an error naming the actor", async () => {
  const gate = new CreditGate("enricher", 1);
  await gate.acquire();
  const waiting = gate.acquire();
  gate.close();
  await assert.rejects(waiting, MailboxClosedError);
  await assert.rejects(gate.acquire(), /enricher/);
});

Deno.test("a waiting sender whose signal aborts gives up with its reason and takes no credit", async () => {
  const gate = new CreditGate("t", 1);
  await gate.acquire();
  const late = new AbortController();
  const waiting = gate.acquire(late.signal);
  late.abort(new Error("gave up"));
  await assert.rejects(waiting, /gave up/);
  assert.equal(gate.used, 1);
  gate.release();
  assert.equal(gate.used, 0);
  await gate.acquire(late.signal).then(
    () => assert.fail("an aborted signal must not take a credit"),
    (error: unknown) => assert.match(String(error), /gave up/),
  );
  assert.equal(gate.used, 0);
});

Deno.test("idle resolves when the last credit comes back", async () => {
  const gate = new CreditGate("t", 3);
  await gate.acquire();
  await gate.acquire();
  const idle = gate.idle();
  gate.release();
  gate.release();
  await idle;
  assert.equal(gate.used, 0);
});

Deno.test("capacity must be a positive integer", () => {
  assert.throws(() => new CreditGate("t", 0), RangeError);
});
