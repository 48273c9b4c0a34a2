import assert from "node:assert/strict";
import { parseProduceFlags } from "./produce_flags.ts";

function errorOf(args: string[]): string {
  const parsed = parseProduceFlags(args);
  assert.ok("error" in parsed, `expected an error for ${args.join(" ")}`);
  return parsed.error;
}

Deno.test("a non-numeric count names the flag, the expected form and the value", () => {
  assert.equal(
    errorOf(["--count", "abc"]),
    '--count must be a positive integer, e.g. --count 10000, got "abc"',
  );
});

Deno.test("every flag is parsed, in both --flag value and --flag=value forms", () => {
  assert.deepEqual(
    parseProduceFlags([
      "--count=500",
      "--rate",
      "250.5",
      "--topic",
      "t1",
      "--bad-fraction=0.05",
      "--seed",
      "9",
    ]),
    { flags: { count: 500, rate: 250.5, topic: "t1", badFraction: 0.05, seed: 9 } },
  );
});

Deno.test("defaults apply when only the count is given", () => {
  assert.deepEqual(parseProduceFlags(["--count", "1"]), {
    flags: { count: 1, rate: undefined, topic: undefined, badFraction: 0, seed: 1 },
  });
});

Deno.test("out-of-range, missing and unknown flags are each explained", () => {
  assert.match(
    errorOf(["--count", "10", "--bad-fraction", "1.5"]),
    /--bad-fraction must be a number from 0 to 1, got "1.5"/,
  );
  assert.match(errorOf(["--count", "10", "--rate", "0"]), /--rate must be a positive number/);
  assert.match(errorOf(["--count", "0"]), /--count must be a positive integer/);
  assert.match(
    errorOf(["--count", "-3"]),
    /--count must be a positive integer, e.g. --count 10000, got "-3"/,
  );
  assert.match(errorOf(["--seed", "1.5", "--count", "3"]), /--seed must be a non-negative integer/);
  assert.match(errorOf(["--count"]), /--count needs a value: a positive integer/);
  assert.match(errorOf([]), /--count is required/);
  assert.match(errorOf(["--count", "1", "--colour", "red"]), /Unknown argument "--colour"/);
  assert.match(errorOf(["--count", "1", "--topic", "bad topic"]), /--topic must be a topic name/);
});

Deno.test("--help asks for the usage unless an earlier flag is already wrong", () => {
  assert.deepEqual(parseProduceFlags(["--count", "x", "--help"]), {
    error: '--count must be a positive integer, e.g. --count 10000, got "x"',
  });
  assert.deepEqual(parseProduceFlags(["--help"]), { help: true });
});

Deno.test("the -- separator that deno task passes through is skipped", () => {
  assert.deepEqual(parseProduceFlags(["--", "--count", "7"]), {
    flags: { count: 7, rate: undefined, topic: undefined, badFraction: 0, seed: 1 },
  });
});
