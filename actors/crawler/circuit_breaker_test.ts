import assert from "node:assert/strict";
import { CircuitBreaker } from "./circuit_breaker.ts";

Deno.test("the circuit opens after the threshold of consecutive failures", () => {
  const breaker = new CircuitBreaker(3, 1000);
  breaker.failed(0);
  breaker.failed(0);
  breaker.succeeded();
  breaker.failed(0);
  breaker.failed(0);
  assert.equal(breaker.tryPass(0), true, "a success resets the count");
  breaker.failed(10);
  assert.equal(breaker.state(10), "open");
  assert.equal(breaker.tryPass(500), false);
  assert.equal(breaker.retryAtMs, 1010);
});

Deno.test("after the cool-down one trial passes; its success closes the circuit", () => {
  const breaker = new CircuitBreaker(1, 1000);
  breaker.failed(0);
  assert.equal(breaker.tryPass(1000), true);
  assert.equal(breaker.tryPass(1000), false, "one trial at a time");
  breaker.succeeded();
  assert.equal(breaker.state(1000), "closed");
});

Deno.test("a failed trial opens the circuit for another cool-down", () => {
  const breaker = new CircuitBreaker(5, 1000);
  for (let i = 0; i < 5; i++) breaker.failed(0);
  assert.equal(breaker.tryPass(1000), true);
  breaker.failed(1000);
  assert.equal(breaker.state(1500), "open");
  assert.equal(breaker.state(2000), "half-open");
});

Deno.test("an abandoned trial frees the trial slot", () => {
  const breaker = new CircuitBreaker(1, 10);
  breaker.failed(0);
  assert.equal(breaker.tryPass(10), true);
  breaker.abandoned();
  assert.equal(breaker.tryPass(10), true);
});
