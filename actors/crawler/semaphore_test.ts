import assert from "node:assert/strict";
import { Semaphore } from "./semaphore.ts";

Deno.test("permits go to waiters in arrival order", async () => {
  const semaphore = new Semaphore(1);
  await semaphore.acquire();
  const order: string[] = [];
  const a = semaphore.acquire().then(() => order.push("a"));
  const b = semaphore.acquire().then(() => order.push("b"));
  assert.equal(semaphore.waiting, 2);
  semaphore.release();
  await a;
  semaphore.release();
  await b;
  assert.deepEqual(order, ["a", "b"]);
});

Deno.test("an aborted waiter leaves the queue and takes no permit", async () => {
  const semaphore = new Semaphore(1);
  await semaphore.acquire();
  const abort = new AbortController();
  const waiting = semaphore.acquire(abort.signal);
  abort.abort(new Error("stopped"));
  await assert.rejects(waiting, /stopped/);
  assert.equal(semaphore.waiting, 0);
  semaphore.release();
  await semaphore.acquire();
});

Deno.test("fewer than one permit is refused", () => {
  assert.throws(() => new Semaphore(0), RangeError);
});
